"""GDL parser tables, generated from gdl.lark by graphc/grammar/generate.py: do not edit.

Regenerate with `make parser` (python -m graphc.grammar.generate); tests/test_parser.py
fails when this file is stale."""

# ruff: noqa
# fmt: off
GRAMMAR = '// GDL grammar (LALR(1)), see ../shared/gdl-spec.md.\n// Newlines are statement separators.  The token post-processor in\n// graphc/compiler/parse.py (1) drops newlines inside (), [] and dict {},\n// (2) drops newlines just before `else`, (3) re-types a `{` that opens a dict\n// literal as DICT_LBRACE and a `;` between statements as a newline, and\n// (4) ends every statement before a block\'s `}` and at the end of the file\n// with a newline, so every simple statement is terminated by a separator.\n\nmodule: (_NL | _top)*\n\n_top: use_stmt _NL | const_stmt _NL | block_def | model_def\n\nuse_stmt: "use" STRING\nconst_stmt: NAME "=" expr\n\nblock_def: "block" NAME params? body\nmodel_def: "model" NAME params? body\nparams: "(" [param ("," param)* ","?] ")"\nparam: NAME ("=" expr)?\n\nbody: LBRACE (_NL | _stmt)* "}"\n\n_stmt: _simple _NL | for_stmt | if_stmt\n_simple: assign | share_stmt | output_stmt | output_list | return_stmt | expr_stmt\n\nassign: NAME ("," NAME)* "=" expr\nshare_stmt: "share" NAME "=" expr\noutput_stmt: "output" NAME "=" expr\noutput_list: "output" NAME ("," NAME)*\nreturn_stmt: "return" expr ("," expr)*\nexpr_stmt: expr\nfor_stmt: "for" NAME "in" expr body\nif_stmt: "if" expr body ("else" (body | if_stmt))?\n\n// Binary operators are parsed flat and arranged by precedence in parse.py\n// (fewer LALR reductions per operand than one rule per precedence level).\n?expr: operand (_binop operand)*              -> binexpr\n_binop: ADD_OP | MUL_OP | COMP_OP | AND | OR\n?operand: NOT operand                         -> not_prefix\n        | ADD_OP operand                      -> unary\n        | postfix POW operand                 -> pow_op\n        | postfix\n?postfix: NAME                                -> name\n        | NUMBER                              -> number\n        | STRING                              -> string\n        | FSTRING                             -> fstring\n        | TRUE                                -> true\n        | FALSE                               -> false\n        | NONE                                -> none\n        | "(" expr ")"                        -> paren\n        | "(" ")"                             -> tuple\n        | "(" expr "," [expr ("," expr)* ","?] ")" -> tuple\n        | "[" [expr ("," expr)* ","?] "]"     -> list\n        | DICT_LBRACE [pair ("," pair)* ","?] "}" -> dict\n        | postfix "(" [args] ")"              -> call\n        | postfix "[" expr "]"                -> index\n        | postfix "." NAME                    -> attr\nargs: arg ("," arg)* ","?\n?arg: expr\n    | NAME "=" expr                           -> kw_arg\npair: expr ":" expr\n\n\nTRUE.2: "true" | "True"\nFALSE.2: "false" | "False"\nNONE.2: "None"\nNAME: /[A-Za-z_][A-Za-z0-9_]*/\nNUMBER: /(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?/\nSTRING: /"([^"\\\\\\n]|\\\\.)*"/ | /\'([^\'\\\\\\n]|\\\\.)*\'/\nFSTRING: /[fF]"([^"\\\\\\n]|\\\\.)*"/ | /[fF]\'([^\'\\\\\\n]|\\\\.)*\'/\nCOMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">"\nADD_OP: "+" | "-"\nMUL_OP: "//" | "*" | "/" | "%"\nPOW.2: "**"\nAND.2: "and"\nOR.2: "or"\nNOT.2: "not"\nLBRACE: "{"\n%declare DICT_LBRACE SEMICOLON   // made by the lexer: a dict\'s `{`, and `;` (turned into a newline)\n_NL: /(\\r?\\n[\\t ]*)+/\nCOMMENT: /#[^\\n]*/\n\n%ignore COMMENT\n%ignore /[\\t \\f]+/\n%ignore /\\\\[\\t \\f]*\\r?\\n/\n'
START_STATE = 0
END_STATE = 11

# the lexer: one regex, keywords lexed as NAME and re-typed, ignored terminals
MASTER = '(?:(\r?\n[\t ]*)+)(?P<_NL>)|(?:#[^\n]*)(?P<COMMENT>)|(?:[\t \x0c]+)(?P<__IGNORE_1>)|(?:\\\\[\t \x0c]*\r?\n)(?P<__IGNORE_2>)|(?:(?:[fF]"([^"\\\\\n]|\\\\.)*"|[fF]\'([^\'\\\\\n]|\\\\.)*\'))(?P<FSTRING>)|(?:[A-Za-z_][A-Za-z0-9_]*)(?P<NAME>)|(?:(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?)(?P<NUMBER>)|(?:(?:"([^"\\\\\n]|\\\\.)*"|\'([^\'\\\\\n]|\\\\.)*\'))(?P<STRING>)|(?:\\*\\*)(?P<POW>)|(?:(?:==|!=|<=|>=|<|>))(?P<COMP_OP>)|(?:(?://|\\*|/|%))(?P<MUL_OP>)|(?:(?:\\+|\\-))(?P<ADD_OP>)|(?::)(?P<COLON>)|(?:,)(?P<COMMA>)|(?:\\.)(?P<DOT>)|(?:=)(?P<EQUAL>)|(?:\\{)(?P<LBRACE>)|(?:\\()(?P<LPAR>)|(?:\\[)(?P<LSQB>)|(?:\\})(?P<RBRACE>)|(?:\\))(?P<RPAR>)|(?:\\])(?P<RSQB>)|(?:;)(?P<SEMICOLON>)'
KEYWORDS = {'False': 'FALSE', 'None': 'NONE', 'True': 'TRUE', 'and': 'AND', 'block': 'BLOCK', 'else': 'ELSE', 'false': 'FALSE', 'for': 'FOR', 'if': 'IF', 'in': 'IN', 'model': 'MODEL', 'not': 'NOT', 'or': 'OR', 'output': 'OUTPUT', 'return': 'RETURN', 'share': 'SHARE', 'true': 'TRUE', 'use': 'USE'}
IGNORE = ('COMMENT', '__IGNORE_1', '__IGNORE_2')
TERMINALS = ('ADD_OP', 'AND', 'BLOCK', 'COLON', 'COMMA', 'COMMENT', 'COMP_OP', 'DOT', 'ELSE', 'EQUAL', 'FALSE', 'FOR', 'FSTRING', 'IF', 'IN', 'LBRACE', 'LPAR', 'LSQB', 'MODEL', 'MUL_OP', 'NAME', 'NONE', 'NOT', 'NUMBER', 'OR', 'OUTPUT', 'POW', 'RBRACE', 'RETURN', 'RPAR', 'RSQB', 'SHARE', 'STRING', 'TRUE', 'USE', '_NL', '__IGNORE_1', '__IGNORE_2')

# ACTION[state][terminal]: a shift to state n (n >= 0) or a reduce by RULES[n] (n < 0)
ACTION = (
    {'$END': -108, 'BLOCK': 1, 'MODEL': 2, 'NAME': 3, 'USE': 4, '_NL': 5},
    {'NAME': 13},
    {'NAME': 14},
    {'EQUAL': 15},
    {'STRING': 16},
    {'$END': -20, 'BLOCK': -20, 'MODEL': -20, 'NAME': -20, 'USE': -20, '_NL': -20},
    {'$END': -109, 'BLOCK': 1, 'MODEL': 2, 'NAME': 3, 'USE': 4, '_NL': 17},
    {'$END': -19, 'BLOCK': -19, 'MODEL': -19, 'NAME': -19, 'USE': -19, '_NL': -19},
    {'$END': -105, 'BLOCK': -105, 'MODEL': -105, 'NAME': -105, 'USE': -105, '_NL': -105},
    {'_NL': 19},
    {'$END': -104, 'BLOCK': -104, 'MODEL': -104, 'NAME': -104, 'USE': -104, '_NL': -104},
    {},
    {'_NL': 20},
    {'LBRACE': 21, 'LPAR': 22},
    {'LBRACE': 21, 'LPAR': 22},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'_NL': -103},
    {'$END': -18, 'BLOCK': -18, 'MODEL': -18, 'NAME': -18, 'USE': -18, '_NL': -18},
    {'$END': -17, 'BLOCK': -17, 'MODEL': -17, 'NAME': -17, 'USE': -17, '_NL': -17},
    {'$END': -106, 'BLOCK': -106, 'MODEL': -106, 'NAME': -106, 'USE': -106, '_NL': -106},
    {'$END': -107, 'BLOCK': -107, 'MODEL': -107, 'NAME': -107, 'USE': -107, '_NL': -107},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FOR': 42, 'FSTRING': 30, 'IF': 43, 'LPAR': 31, 'LSQB': 32, 'NAME': 44, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'OUTPUT': 45, 'RBRACE': 46, 'RETURN': 47, 'SHARE': 48, 'STRING': 37, 'TRUE': 38, '_NL': 49},
    {'NAME': 62, 'RPAR': 63},
    {'$END': -100, 'BLOCK': -100, 'MODEL': -100, 'NAME': -100, 'USE': -100, '_NL': -100},
    {'LBRACE': 21},
    {'$END': -98, 'BLOCK': -98, 'MODEL': -98, 'NAME': -98, 'USE': -98, '_NL': -98},
    {'LBRACE': 21},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 68, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -50, 'AND': -50, 'COLON': -50, 'COMMA': -50, 'COMP_OP': -50, 'DOT': -50, 'LBRACE': -50, 'LPAR': -50, 'LSQB': -50, 'MUL_OP': -50, 'OR': -50, 'POW': -50, 'RBRACE': -50, 'RPAR': -50, 'RSQB': -50, '_NL': -50},
    {'ADD_OP': -52, 'AND': -52, 'COLON': -52, 'COMMA': -52, 'COMP_OP': -52, 'DOT': -52, 'LBRACE': -52, 'LPAR': -52, 'LSQB': -52, 'MUL_OP': -52, 'OR': -52, 'POW': -52, 'RBRACE': -52, 'RPAR': -52, 'RSQB': -52, '_NL': -52},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 71, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 73, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -55, 'AND': -55, 'COLON': -55, 'COMMA': -55, 'COMP_OP': -55, 'DOT': -55, 'LBRACE': -55, 'LPAR': -55, 'LSQB': -55, 'MUL_OP': -55, 'OR': -55, 'POW': -55, 'RBRACE': -55, 'RPAR': -55, 'RSQB': -55, '_NL': -55},
    {'ADD_OP': -49, 'AND': -49, 'COLON': -49, 'COMMA': -49, 'COMP_OP': -49, 'DOT': -49, 'LBRACE': -49, 'LPAR': -49, 'LSQB': -49, 'MUL_OP': -49, 'OR': -49, 'POW': -49, 'RBRACE': -49, 'RPAR': -49, 'RSQB': -49, '_NL': -49},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -54, 'AND': -54, 'COLON': -54, 'COMMA': -54, 'COMP_OP': -54, 'DOT': -54, 'LBRACE': -54, 'LPAR': -54, 'LSQB': -54, 'MUL_OP': -54, 'OR': -54, 'POW': -54, 'RBRACE': -54, 'RPAR': -54, 'RSQB': -54, '_NL': -54},
    {'ADD_OP': -53, 'AND': -53, 'COLON': -53, 'COMMA': -53, 'COMP_OP': -53, 'DOT': -53, 'LBRACE': -53, 'LPAR': -53, 'LSQB': -53, 'MUL_OP': -53, 'OR': -53, 'POW': -53, 'RBRACE': -53, 'RPAR': -53, 'RSQB': -53, '_NL': -53},
    {'ADD_OP': -51, 'AND': -51, 'COLON': -51, 'COMMA': -51, 'COMP_OP': -51, 'DOT': -51, 'LBRACE': -51, 'LPAR': -51, 'LSQB': -51, 'MUL_OP': -51, 'OR': -51, 'POW': -51, 'RBRACE': -51, 'RPAR': -51, 'RSQB': -51, '_NL': -51},
    {'_NL': -102},
    {'ADD_OP': 76, 'AND': 77, 'COLON': -65, 'COMMA': -65, 'COMP_OP': 78, 'LBRACE': -65, 'MUL_OP': 79, 'OR': 80, 'RBRACE': -65, 'RPAR': -65, 'RSQB': -65, '_NL': -65},
    {'ADD_OP': -56, 'AND': -56, 'COLON': -56, 'COMMA': -56, 'COMP_OP': -56, 'DOT': 83, 'LBRACE': -56, 'LPAR': 84, 'LSQB': 85, 'MUL_OP': -56, 'OR': -56, 'POW': 86, 'RBRACE': -56, 'RPAR': -56, 'RSQB': -56, '_NL': -56},
    {'NAME': 87},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -55, 'AND': -55, 'COMMA': 89, 'COMP_OP': -55, 'DOT': -55, 'EQUAL': 90, 'LPAR': -55, 'LSQB': -55, 'MUL_OP': -55, 'OR': -55, 'POW': -55, '_NL': -55},
    {'NAME': 92},
    {'$END': -89, 'ADD_OP': -89, 'BLOCK': -89, 'DICT_LBRACE': -89, 'ELSE': -89, 'FALSE': -89, 'FOR': -89, 'FSTRING': -89, 'IF': -89, 'LPAR': -89, 'LSQB': -89, 'MODEL': -89, 'NAME': -89, 'NONE': -89, 'NOT': -89, 'NUMBER': -89, 'OUTPUT': -89, 'RBRACE': -89, 'RETURN': -89, 'SHARE': -89, 'STRING': -89, 'TRUE': -89, 'USE': -89, '_NL': -89},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 94},
    {'ADD_OP': -14, 'DICT_LBRACE': -14, 'FALSE': -14, 'FOR': -14, 'FSTRING': -14, 'IF': -14, 'LPAR': -14, 'LSQB': -14, 'NAME': -14, 'NONE': -14, 'NOT': -14, 'NUMBER': -14, 'OUTPUT': -14, 'RBRACE': -14, 'RETURN': -14, 'SHARE': -14, 'STRING': -14, 'TRUE': -14, '_NL': -14},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FOR': 42, 'FSTRING': 30, 'IF': 43, 'LPAR': 31, 'LSQB': 32, 'NAME': 44, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'OUTPUT': 45, 'RBRACE': 95, 'RETURN': 47, 'SHARE': 48, 'STRING': 37, 'TRUE': 38, '_NL': 96},
    {'_NL': 98},
    {'ADD_OP': -13, 'DICT_LBRACE': -13, 'FALSE': -13, 'FOR': -13, 'FSTRING': -13, 'IF': -13, 'LPAR': -13, 'LSQB': -13, 'NAME': -13, 'NONE': -13, 'NOT': -13, 'NUMBER': -13, 'OUTPUT': -13, 'RBRACE': -13, 'RETURN': -13, 'SHARE': -13, 'STRING': -13, 'TRUE': -13, '_NL': -13},
    {'_NL': -85},
    {'_NL': -71},
    {'_NL': -80},
    {'ADD_OP': -87, 'DICT_LBRACE': -87, 'FALSE': -87, 'FOR': -87, 'FSTRING': -87, 'IF': -87, 'LPAR': -87, 'LSQB': -87, 'NAME': -87, 'NONE': -87, 'NOT': -87, 'NUMBER': -87, 'OUTPUT': -87, 'RBRACE': -87, 'RETURN': -87, 'SHARE': -87, 'STRING': -87, 'TRUE': -87, '_NL': -87},
    {'ADD_OP': -86, 'DICT_LBRACE': -86, 'FALSE': -86, 'FOR': -86, 'FSTRING': -86, 'IF': -86, 'LPAR': -86, 'LSQB': -86, 'NAME': -86, 'NONE': -86, 'NOT': -86, 'NUMBER': -86, 'OUTPUT': -86, 'RBRACE': -86, 'RETURN': -86, 'SHARE': -86, 'STRING': -86, 'TRUE': -86, '_NL': -86},
    {'_NL': -82},
    {'_NL': -83},
    {'_NL': -81},
    {'_NL': -84},
    {'COMMA': -91, 'EQUAL': 99, 'RPAR': -91},
    {'LBRACE': -93},
    {'COMMA': 100, 'RPAR': 101},
    {'$END': -101, 'BLOCK': -101, 'MODEL': -101, 'NAME': -101, 'USE': -101, '_NL': -101},
    {'$END': -99, 'BLOCK': -99, 'MODEL': -99, 'NAME': -99, 'USE': -99, '_NL': -99},
    {'ADD_OP': -58, 'AND': -58, 'COLON': -58, 'COMMA': -58, 'COMP_OP': -58, 'LBRACE': -58, 'MUL_OP': -58, 'OR': -58, 'RBRACE': -58, 'RPAR': -58, 'RSQB': -58, '_NL': -58},
    {'ADD_OP': -32, 'AND': -32, 'COLON': -32, 'COMMA': -32, 'COMP_OP': -32, 'DOT': -32, 'LBRACE': -32, 'LPAR': -32, 'LSQB': -32, 'MUL_OP': -32, 'OR': -32, 'POW': -32, 'RBRACE': -32, 'RPAR': -32, 'RSQB': -32, '_NL': -32},
    {'COLON': 103},
    {'COMMA': 104, 'RBRACE': 105},
    {'ADD_OP': -47, 'AND': -47, 'COLON': -47, 'COMMA': -47, 'COMP_OP': -47, 'DOT': -47, 'LBRACE': -47, 'LPAR': -47, 'LSQB': -47, 'MUL_OP': -47, 'OR': -47, 'POW': -47, 'RBRACE': -47, 'RPAR': -47, 'RSQB': -47, '_NL': -47},
    {'COMMA': 107, 'RPAR': 108},
    {'ADD_OP': -37, 'AND': -37, 'COLON': -37, 'COMMA': -37, 'COMP_OP': -37, 'DOT': -37, 'LBRACE': -37, 'LPAR': -37, 'LSQB': -37, 'MUL_OP': -37, 'OR': -37, 'POW': -37, 'RBRACE': -37, 'RPAR': -37, 'RSQB': -37, '_NL': -37},
    {'COMMA': 109, 'RSQB': 110},
    {'ADD_OP': -59, 'AND': -59, 'COLON': -59, 'COMMA': -59, 'COMP_OP': -59, 'LBRACE': -59, 'MUL_OP': -59, 'OR': -59, 'RBRACE': -59, 'RPAR': -59, 'RSQB': -59, '_NL': -59},
    {'ADD_OP': -64, 'DICT_LBRACE': -64, 'FALSE': -64, 'FSTRING': -64, 'LPAR': -64, 'LSQB': -64, 'NAME': -64, 'NONE': -64, 'NOT': -64, 'NUMBER': -64, 'STRING': -64, 'TRUE': -64},
    {'ADD_OP': -61, 'DICT_LBRACE': -61, 'FALSE': -61, 'FSTRING': -61, 'LPAR': -61, 'LSQB': -61, 'NAME': -61, 'NONE': -61, 'NOT': -61, 'NUMBER': -61, 'STRING': -61, 'TRUE': -61},
    {'ADD_OP': -62, 'DICT_LBRACE': -62, 'FALSE': -62, 'FSTRING': -62, 'LPAR': -62, 'LSQB': -62, 'NAME': -62, 'NONE': -62, 'NOT': -62, 'NUMBER': -62, 'STRING': -62, 'TRUE': -62},
    {'ADD_OP': -63, 'DICT_LBRACE': -63, 'FALSE': -63, 'FSTRING': -63, 'LPAR': -63, 'LSQB': -63, 'NAME': -63, 'NONE': -63, 'NOT': -63, 'NUMBER': -63, 'STRING': -63, 'TRUE': -63},
    {'ADD_OP': -60, 'DICT_LBRACE': -60, 'FALSE': -60, 'FSTRING': -60, 'LPAR': -60, 'LSQB': -60, 'NAME': -60, 'NONE': -60, 'NOT': -60, 'NUMBER': -60, 'STRING': -60, 'TRUE': -60},
    {'ADD_OP': 76, 'AND': 77, 'COLON': -66, 'COMMA': -66, 'COMP_OP': 78, 'LBRACE': -66, 'MUL_OP': 79, 'OR': 80, 'RBRACE': -66, 'RPAR': -66, 'RSQB': -66, '_NL': -66},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 114},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 115, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 116, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'IN': 122},
    {'LBRACE': 21},
    {'NAME': 124},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 126, 'EQUAL': 127},
    {'COMMA': 89, 'EQUAL': 128, '_NL': -74},
    {'COMMA': 130, '_NL': -72},
    {'EQUAL': 132},
    {'$END': -90, 'ADD_OP': -90, 'BLOCK': -90, 'DICT_LBRACE': -90, 'ELSE': -90, 'FALSE': -90, 'FOR': -90, 'FSTRING': -90, 'IF': -90, 'LPAR': -90, 'LSQB': -90, 'MODEL': -90, 'NAME': -90, 'NONE': -90, 'NOT': -90, 'NUMBER': -90, 'OUTPUT': -90, 'RBRACE': -90, 'RETURN': -90, 'SHARE': -90, 'STRING': -90, 'TRUE': -90, 'USE': -90, '_NL': -90},
    {'ADD_OP': -12, 'DICT_LBRACE': -12, 'FALSE': -12, 'FOR': -12, 'FSTRING': -12, 'IF': -12, 'LPAR': -12, 'LSQB': -12, 'NAME': -12, 'NONE': -12, 'NOT': -12, 'NUMBER': -12, 'OUTPUT': -12, 'RBRACE': -12, 'RETURN': -12, 'SHARE': -12, 'STRING': -12, 'TRUE': -12, '_NL': -12},
    {'ADD_OP': -11, 'DICT_LBRACE': -11, 'FALSE': -11, 'FOR': -11, 'FSTRING': -11, 'IF': -11, 'LPAR': -11, 'LSQB': -11, 'NAME': -11, 'NONE': -11, 'NOT': -11, 'NUMBER': -11, 'OUTPUT': -11, 'RBRACE': -11, 'RETURN': -11, 'SHARE': -11, 'STRING': -11, 'TRUE': -11, '_NL': -11},
    {'ADD_OP': -88, 'DICT_LBRACE': -88, 'FALSE': -88, 'FOR': -88, 'FSTRING': -88, 'IF': -88, 'LPAR': -88, 'LSQB': -88, 'NAME': -88, 'NONE': -88, 'NOT': -88, 'NUMBER': -88, 'OUTPUT': -88, 'RBRACE': -88, 'RETURN': -88, 'SHARE': -88, 'STRING': -88, 'TRUE': -88, '_NL': -88},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 62, 'RPAR': 134},
    {'LBRACE': -94},
    {'COMMA': 136, 'RPAR': 137},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 139, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -33, 'AND': -33, 'COLON': -33, 'COMMA': -33, 'COMP_OP': -33, 'DOT': -33, 'LBRACE': -33, 'LPAR': -33, 'LSQB': -33, 'MUL_OP': -33, 'OR': -33, 'POW': -33, 'RBRACE': -33, 'RPAR': -33, 'RSQB': -33, '_NL': -33},
    {'COMMA': 141, 'RBRACE': 142},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 143, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -48, 'AND': -48, 'COLON': -48, 'COMMA': -48, 'COMP_OP': -48, 'DOT': -48, 'LBRACE': -48, 'LPAR': -48, 'LSQB': -48, 'MUL_OP': -48, 'OR': -48, 'POW': -48, 'RBRACE': -48, 'RPAR': -48, 'RSQB': -48, '_NL': -48},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 145, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -38, 'AND': -38, 'COLON': -38, 'COMMA': -38, 'COMP_OP': -38, 'DOT': -38, 'LBRACE': -38, 'LPAR': -38, 'LSQB': -38, 'MUL_OP': -38, 'OR': -38, 'POW': -38, 'RBRACE': -38, 'RPAR': -38, 'RSQB': -38, '_NL': -38},
    {'COMMA': 147, 'RSQB': 148},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -6, 'AND': -6, 'COLON': -6, 'COMMA': -6, 'COMP_OP': -6, 'LBRACE': -6, 'MUL_OP': -6, 'OR': -6, 'RBRACE': -6, 'RPAR': -6, 'RSQB': -6, '_NL': -6},
    {'ADD_OP': -28, 'AND': -28, 'COLON': -28, 'COMMA': -28, 'COMP_OP': -28, 'DOT': -28, 'LBRACE': -28, 'LPAR': -28, 'LSQB': -28, 'MUL_OP': -28, 'OR': -28, 'POW': -28, 'RBRACE': -28, 'RPAR': -28, 'RSQB': -28, '_NL': -28},
    {'ADD_OP': -55, 'AND': -55, 'COMMA': -55, 'COMP_OP': -55, 'DOT': -55, 'EQUAL': 150, 'LPAR': -55, 'LSQB': -55, 'MUL_OP': -55, 'OR': -55, 'POW': -55, 'RPAR': -55},
    {'ADD_OP': -30, 'AND': -30, 'COLON': -30, 'COMMA': -30, 'COMP_OP': -30, 'DOT': -30, 'LBRACE': -30, 'LPAR': -30, 'LSQB': -30, 'MUL_OP': -30, 'OR': -30, 'POW': -30, 'RBRACE': -30, 'RPAR': -30, 'RSQB': -30, '_NL': -30},
    {'COMMA': 151, 'RPAR': -24},
    {'RPAR': 153},
    {'COMMA': -23, 'RPAR': -23},
    {'RSQB': 154},
    {'ADD_OP': -57, 'AND': -57, 'COLON': -57, 'COMMA': -57, 'COMP_OP': -57, 'LBRACE': -57, 'MUL_OP': -57, 'OR': -57, 'RBRACE': -57, 'RPAR': -57, 'RSQB': -57, '_NL': -57},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -67, 'DICT_LBRACE': -67, 'ELSE': 156, 'FALSE': -67, 'FOR': -67, 'FSTRING': -67, 'IF': -67, 'LPAR': -67, 'LSQB': -67, 'NAME': -67, 'NONE': -67, 'NOT': -67, 'NUMBER': -67, 'OUTPUT': -67, 'RBRACE': -67, 'RETURN': -67, 'SHARE': -67, 'STRING': -67, 'TRUE': -67, '_NL': -67},
    {'COMMA': -10, 'EQUAL': -10, '_NL': -10},
    {'_NL': -78},
    {'NAME': 157},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 126, '_NL': -75},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 160, '_NL': -73},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': -92, 'RPAR': -92},
    {'LBRACE': -95},
    {'COMMA': -16, 'RPAR': -16},
    {'NAME': 62, 'RPAR': 162},
    {'LBRACE': -96},
    {'COMMA': -21, 'RBRACE': -21},
    {'ADD_OP': -34, 'AND': -34, 'COLON': -34, 'COMMA': -34, 'COMP_OP': -34, 'DOT': -34, 'LBRACE': -34, 'LPAR': -34, 'LSQB': -34, 'MUL_OP': -34, 'OR': -34, 'POW': -34, 'RBRACE': -34, 'RPAR': -34, 'RSQB': -34, '_NL': -34},
    {'COMMA': -4, 'RBRACE': -4},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 164, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -35, 'AND': -35, 'COLON': -35, 'COMMA': -35, 'COMP_OP': -35, 'DOT': -35, 'LBRACE': -35, 'LPAR': -35, 'LSQB': -35, 'MUL_OP': -35, 'OR': -35, 'POW': -35, 'RBRACE': -35, 'RPAR': -35, 'RSQB': -35, '_NL': -35},
    {'ADD_OP': -42, 'AND': -42, 'COLON': -42, 'COMMA': -42, 'COMP_OP': -42, 'DOT': -42, 'LBRACE': -42, 'LPAR': -42, 'LSQB': -42, 'MUL_OP': -42, 'OR': -42, 'POW': -42, 'RBRACE': -42, 'RPAR': -42, 'RSQB': -42, '_NL': -42},
    {'COMMA': 166, 'RPAR': 167},
    {'ADD_OP': -39, 'AND': -39, 'COLON': -39, 'COMMA': -39, 'COMP_OP': -39, 'DOT': -39, 'LBRACE': -39, 'LPAR': -39, 'LSQB': -39, 'MUL_OP': -39, 'OR': -39, 'POW': -39, 'RBRACE': -39, 'RPAR': -39, 'RSQB': -39, '_NL': -39},
    {'COMMA': -8, 'RPAR': -8, 'RSQB': -8, '_NL': -8},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 169, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -40, 'AND': -40, 'COLON': -40, 'COMMA': -40, 'COMP_OP': -40, 'DOT': -40, 'LBRACE': -40, 'LPAR': -40, 'LSQB': -40, 'MUL_OP': -40, 'OR': -40, 'POW': -40, 'RBRACE': -40, 'RPAR': -40, 'RSQB': -40, '_NL': -40},
    {'ADD_OP': -5, 'AND': -5, 'COLON': -5, 'COMMA': -5, 'COMP_OP': -5, 'LBRACE': -5, 'MUL_OP': -5, 'OR': -5, 'RBRACE': -5, 'RPAR': -5, 'RSQB': -5, '_NL': -5},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 115, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': -25, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 173, 'RPAR': -26},
    {'ADD_OP': -31, 'AND': -31, 'COLON': -31, 'COMMA': -31, 'COMP_OP': -31, 'DOT': -31, 'LBRACE': -31, 'LPAR': -31, 'LSQB': -31, 'MUL_OP': -31, 'OR': -31, 'POW': -31, 'RBRACE': -31, 'RPAR': -31, 'RSQB': -31, '_NL': -31},
    {'ADD_OP': -29, 'AND': -29, 'COLON': -29, 'COMMA': -29, 'COMP_OP': -29, 'DOT': -29, 'LBRACE': -29, 'LPAR': -29, 'LSQB': -29, 'MUL_OP': -29, 'OR': -29, 'POW': -29, 'RBRACE': -29, 'RPAR': -29, 'RSQB': -29, '_NL': -29},
    {'LBRACE': 21},
    {'IF': 43, 'LBRACE': 21},
    {'COMMA': -9, 'EQUAL': -9, '_NL': -9},
    {'_NL': -79},
    {'_NL': -76},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'_NL': -77},
    {'LBRACE': -97},
    {'COMMA': -15, 'RPAR': -15},
    {'ADD_OP': -36, 'AND': -36, 'COLON': -36, 'COMMA': -36, 'COMP_OP': -36, 'DOT': -36, 'LBRACE': -36, 'LPAR': -36, 'LSQB': -36, 'MUL_OP': -36, 'OR': -36, 'POW': -36, 'RBRACE': -36, 'RPAR': -36, 'RSQB': -36, '_NL': -36},
    {'COMMA': -3, 'RBRACE': -3},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 177, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -43, 'AND': -43, 'COLON': -43, 'COMMA': -43, 'COMP_OP': -43, 'DOT': -43, 'LBRACE': -43, 'LPAR': -43, 'LSQB': -43, 'MUL_OP': -43, 'OR': -43, 'POW': -43, 'RBRACE': -43, 'RPAR': -43, 'RSQB': -43, '_NL': -43},
    {'COMMA': 178, 'RPAR': 179},
    {'ADD_OP': -41, 'AND': -41, 'COLON': -41, 'COMMA': -41, 'COMP_OP': -41, 'DOT': -41, 'LBRACE': -41, 'LPAR': -41, 'LSQB': -41, 'MUL_OP': -41, 'OR': -41, 'POW': -41, 'RBRACE': -41, 'RPAR': -41, 'RSQB': -41, '_NL': -41},
    {'COMMA': -7, 'RPAR': -7, 'RSQB': -7, '_NL': -7},
    {'COMMA': -22, 'RPAR': -22},
    {'COMMA': -2, 'RPAR': -2},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 115, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': -27, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -70, 'DICT_LBRACE': -70, 'FALSE': -70, 'FOR': -70, 'FSTRING': -70, 'IF': -70, 'LPAR': -70, 'LSQB': -70, 'NAME': -70, 'NONE': -70, 'NOT': -70, 'NUMBER': -70, 'OUTPUT': -70, 'RBRACE': -70, 'RETURN': -70, 'SHARE': -70, 'STRING': -70, 'TRUE': -70, '_NL': -70},
    {'ADD_OP': -69, 'DICT_LBRACE': -69, 'FALSE': -69, 'FOR': -69, 'FSTRING': -69, 'IF': -69, 'LPAR': -69, 'LSQB': -69, 'NAME': -69, 'NONE': -69, 'NOT': -69, 'NUMBER': -69, 'OUTPUT': -69, 'RBRACE': -69, 'RETURN': -69, 'SHARE': -69, 'STRING': -69, 'TRUE': -69, '_NL': -69},
    {'ADD_OP': -68, 'DICT_LBRACE': -68, 'FALSE': -68, 'FOR': -68, 'FSTRING': -68, 'IF': -68, 'LPAR': -68, 'LSQB': -68, 'NAME': -68, 'NONE': -68, 'NOT': -68, 'NUMBER': -68, 'OUTPUT': -68, 'RBRACE': -68, 'RETURN': -68, 'SHARE': -68, 'STRING': -68, 'TRUE': -68, '_NL': -68},
    {'ADD_OP': -44, 'AND': -44, 'COLON': -44, 'COMMA': -44, 'COMP_OP': -44, 'DOT': -44, 'LBRACE': -44, 'LPAR': -44, 'LSQB': -44, 'MUL_OP': -44, 'OR': -44, 'POW': -44, 'RBRACE': -44, 'RPAR': -44, 'RSQB': -44, '_NL': -44},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 181, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -45, 'AND': -45, 'COLON': -45, 'COMMA': -45, 'COMP_OP': -45, 'DOT': -45, 'LBRACE': -45, 'LPAR': -45, 'LSQB': -45, 'MUL_OP': -45, 'OR': -45, 'POW': -45, 'RBRACE': -45, 'RPAR': -45, 'RSQB': -45, '_NL': -45},
    {'COMMA': -1, 'RPAR': -1},
    {'ADD_OP': -46, 'AND': -46, 'COLON': -46, 'COMMA': -46, 'COMP_OP': -46, 'DOT': -46, 'LBRACE': -46, 'LPAR': -46, 'LSQB': -46, 'MUL_OP': -46, 'OR': -46, 'POW': -46, 'RBRACE': -46, 'RPAR': -46, 'RSQB': -46, '_NL': -46},
)
# GOTO[state][rule name]: the state after reducing to that rule
GOTO = (
    {'__module_star_0': 6, '_top': 7, 'block_def': 8, 'const_stmt': 9, 'model_def': 10, 'module': 11, 'use_stmt': 12},
    {},
    {},
    {},
    {},
    {},
    {'_top': 18, 'block_def': 8, 'const_stmt': 9, 'model_def': 10, 'use_stmt': 12},
    {},
    {},
    {},
    {},
    {},
    {},
    {'body': 23, 'params': 24},
    {'body': 25, 'params': 26},
    {'expr': 39, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {},
    {},
    {'__body_star_2': 50, '_simple': 51, '_stmt': 52, 'assign': 53, 'expr': 54, 'expr_stmt': 55, 'for_stmt': 56, 'if_stmt': 57, 'operand': 40, 'output_list': 58, 'output_stmt': 59, 'postfix': 41, 'return_stmt': 60, 'share_stmt': 61},
    {'param': 64},
    {},
    {'body': 65},
    {},
    {'body': 66},
    {'operand': 67, 'postfix': 41},
    {'expr': 69, 'operand': 40, 'pair': 70, 'postfix': 41},
    {},
    {},
    {'expr': 72, 'operand': 40, 'postfix': 41},
    {'expr': 74, 'operand': 40, 'postfix': 41},
    {},
    {},
    {'operand': 75, 'postfix': 41},
    {},
    {},
    {},
    {},
    {'__expr_star_5': 81, '_binop': 82},
    {},
    {},
    {'expr': 88, 'operand': 40, 'postfix': 41},
    {'__assign_star_3': 91},
    {},
    {},
    {'expr': 93, 'operand': 40, 'postfix': 41},
    {},
    {},
    {'_simple': 51, '_stmt': 97, 'assign': 53, 'expr': 54, 'expr_stmt': 55, 'for_stmt': 56, 'if_stmt': 57, 'operand': 40, 'output_list': 58, 'output_stmt': 59, 'postfix': 41, 'return_stmt': 60, 'share_stmt': 61},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {'__params_star_1': 102},
    {},
    {},
    {},
    {},
    {},
    {'__postfix_star_6': 106},
    {},
    {},
    {},
    {'__return_stmt_star_4': 111},
    {},
    {},
    {},
    {},
    {},
    {},
    {'_binop': 112},
    {'operand': 113, 'postfix': 41},
    {},
    {'arg': 117, 'args': 118, 'expr': 119, 'operand': 40, 'postfix': 41},
    {'expr': 120, 'operand': 40, 'postfix': 41},
    {'operand': 121, 'postfix': 41},
    {},
    {'body': 123},
    {},
    {'expr': 125, 'operand': 40, 'postfix': 41},
    {},
    {'__assign_star_3': 129},
    {'__return_stmt_star_4': 131},
    {},
    {},
    {},
    {},
    {},
    {'expr': 133, 'operand': 40, 'postfix': 41},
    {'param': 135},
    {},
    {},
    {'expr': 138, 'operand': 40, 'postfix': 41},
    {'expr': 69, 'operand': 40, 'pair': 140, 'postfix': 41},
    {},
    {},
    {'expr': 144, 'operand': 40, 'postfix': 41},
    {},
    {'expr': 146, 'operand': 40, 'postfix': 41},
    {},
    {},
    {'operand': 149, 'postfix': 41},
    {},
    {},
    {},
    {},
    {'__args_star_7': 152},
    {},
    {},
    {},
    {},
    {'expr': 155, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {},
    {'expr': 158, 'operand': 40, 'postfix': 41},
    {'expr': 159, 'operand': 40, 'postfix': 41},
    {},
    {'expr': 146, 'operand': 40, 'postfix': 41},
    {},
    {'expr': 161, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {'param': 163},
    {},
    {},
    {},
    {},
    {'expr': 69, 'operand': 40, 'pair': 165, 'postfix': 41},
    {},
    {},
    {'__return_stmt_star_4': 168},
    {},
    {},
    {'expr': 170, 'operand': 40, 'postfix': 41},
    {},
    {},
    {'expr': 171, 'operand': 40, 'postfix': 41},
    {'arg': 172, 'expr': 119, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {'body': 174},
    {'body': 175, 'if_stmt': 176},
    {},
    {},
    {},
    {'expr': 170, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {},
    {},
    {'expr': 146, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {},
    {},
    {},
    {'arg': 180, 'expr': 119, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
    {},
    {'expr': 170, 'operand': 40, 'postfix': 41},
    {},
    {},
    {},
)


def rules(callback):
    """RULES: (size, origin, reduce function or None) per rule; callback(name)
    gives the transformer's function for a rule (alias) name."""
    cb0 = callback('module')
    cb1 = callback('_top')
    cb2 = callback('use_stmt')
    cb3 = callback('const_stmt')
    cb4 = callback('block_def')
    cb5 = callback('model_def')
    cb6 = callback('params')
    cb7 = callback('param')
    cb8 = callback('body')
    cb9 = callback('_stmt')
    cb10 = callback('_simple')
    cb11 = callback('assign')
    cb12 = callback('share_stmt')
    cb13 = callback('output_stmt')
    cb14 = callback('output_list')
    cb15 = callback('return_stmt')
    cb16 = callback('expr_stmt')
    cb17 = callback('for_stmt')
    cb18 = callback('if_stmt')
    cb19 = callback('binexpr')
    cb20 = callback('_binop')
    cb21 = callback('not_prefix')
    cb22 = callback('unary')
    cb23 = callback('pow_op')
    cb24 = callback('name')
    cb25 = callback('number')
    cb26 = callback('string')
    cb27 = callback('fstring')
    cb28 = callback('true')
    cb29 = callback('false')
    cb30 = callback('none')
    cb31 = callback('paren')
    cb32 = callback('tuple')
    cb33 = callback('list')
    cb34 = callback('dict')
    cb35 = callback('call')
    cb36 = callback('index')
    cb37 = callback('attr')
    cb38 = callback('args')
    cb39 = callback('kw_arg')
    cb40 = callback('pair')
    cb41 = callback('__module_star_0')
    cb42 = callback('__params_star_1')
    cb43 = callback('__body_star_2')
    cb44 = callback('__assign_star_3')
    cb45 = callback('__return_stmt_star_4')
    cb46 = callback('__expr_star_5')
    cb47 = callback('__postfix_star_6')
    cb48 = callback('__args_star_7')

    def r0(v):  # <module : __module_star_0>
        c = v[-1].children
        del v[-1:]
        return cb0(c)

    def r1(v):  # <module : >
        c = []
        return cb0(c)

    def r2(v):  # <_top : use_stmt _NL>
        c = [v[-2]]
        del v[-2:]
        return cb1(c)

    def r3(v):  # <_top : const_stmt _NL>
        c = [v[-2]]
        del v[-2:]
        return cb1(c)

    def r4(v):  # <_top : block_def>
        c = [v.pop()]
        return cb1(c)

    def r5(v):  # <_top : model_def>
        c = [v.pop()]
        return cb1(c)

    def r6(v):  # <use_stmt : USE STRING>
        c = [v[-1]]
        del v[-2:]
        return cb2(c)

    def r7(v):  # <const_stmt : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb3(c)

    def r8(v):  # <block_def : BLOCK NAME params body>
        c = [v[-3], v[-2], v[-1]]
        del v[-4:]
        return cb4(c)

    def r9(v):  # <block_def : BLOCK NAME body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb4(c)

    def r10(v):  # <model_def : MODEL NAME params body>
        c = [v[-3], v[-2], v[-1]]
        del v[-4:]
        return cb5(c)

    def r11(v):  # <model_def : MODEL NAME body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb5(c)

    def r12(v):  # <params : LPAR param __params_star_1 COMMA RPAR>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb6(c)

    def r13(v):  # <params : LPAR param __params_star_1 RPAR>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb6(c)

    def r14(v):  # <params : LPAR param COMMA RPAR>
        c = [v[-3]]
        del v[-4:]
        return cb6(c)

    def r15(v):  # <params : LPAR param RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb6(c)

    def r16(v):  # <params : LPAR RPAR>
        c = [None]
        del v[-2:]
        return cb6(c)

    def r17(v):  # <param : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb7(c)

    def r18(v):  # <param : NAME>
        c = [v.pop()]
        return cb7(c)

    def r19(v):  # <body : LBRACE __body_star_2 RBRACE>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb8(c)

    def r20(v):  # <body : LBRACE RBRACE>
        c = [v[-2]]
        del v[-2:]
        return cb8(c)

    def r21(v):  # <_stmt : _simple _NL>
        c = v[-2].children
        del v[-2:]
        return cb9(c)

    def r22(v):  # <_stmt : for_stmt>
        c = [v.pop()]
        return cb9(c)

    def r23(v):  # <_stmt : if_stmt>
        c = [v.pop()]
        return cb9(c)

    def r24(v):  # <_simple : assign>
        c = [v.pop()]
        return cb10(c)

    def r25(v):  # <_simple : share_stmt>
        c = [v.pop()]
        return cb10(c)

    def r26(v):  # <_simple : output_stmt>
        c = [v.pop()]
        return cb10(c)

    def r27(v):  # <_simple : output_list>
        c = [v.pop()]
        return cb10(c)

    def r28(v):  # <_simple : return_stmt>
        c = [v.pop()]
        return cb10(c)

    def r29(v):  # <_simple : expr_stmt>
        c = [v.pop()]
        return cb10(c)

    def r30(v):  # <assign : NAME __assign_star_3 EQUAL expr>
        c = [v[-4]]
        c += v[-3].children
        c += [v[-1]]
        del v[-4:]
        return cb11(c)

    def r31(v):  # <assign : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb11(c)

    def r32(v):  # <share_stmt : SHARE NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb12(c)

    def r33(v):  # <output_stmt : OUTPUT NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb13(c)

    def r34(v):  # <output_list : OUTPUT NAME __assign_star_3>
        c = [v[-2]]
        c += v[-1].children
        del v[-3:]
        return cb14(c)

    def r35(v):  # <output_list : OUTPUT NAME>
        c = [v[-1]]
        del v[-2:]
        return cb14(c)

    def r36(v):  # <return_stmt : RETURN expr __return_stmt_star_4>
        c = [v[-2]]
        c += v[-1].children
        del v[-3:]
        return cb15(c)

    def r37(v):  # <return_stmt : RETURN expr>
        c = [v[-1]]
        del v[-2:]
        return cb15(c)

    def r38(v):  # <expr_stmt : expr>
        c = [v.pop()]
        return cb16(c)

    def r39(v):  # <for_stmt : FOR NAME IN expr body>
        c = [v[-4], v[-2], v[-1]]
        del v[-5:]
        return cb17(c)

    def r40(v):  # <if_stmt : IF expr body ELSE body>
        c = [v[-4], v[-3], v[-1]]
        del v[-5:]
        return cb18(c)

    def r41(v):  # <if_stmt : IF expr body ELSE if_stmt>
        c = [v[-4], v[-3], v[-1]]
        del v[-5:]
        return cb18(c)

    def r42(v):  # <if_stmt : IF expr body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb18(c)

    def r43(v):  # <expr : operand __expr_star_5>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb19(c)

    def r44(v):  # <expr : operand>
        c = [v.pop()]
        return cb19(c)

    def r45(v):  # <_binop : ADD_OP>
        c = [v.pop()]
        return cb20(c)

    def r46(v):  # <_binop : MUL_OP>
        c = [v.pop()]
        return cb20(c)

    def r47(v):  # <_binop : COMP_OP>
        c = [v.pop()]
        return cb20(c)

    def r48(v):  # <_binop : AND>
        c = [v.pop()]
        return cb20(c)

    def r49(v):  # <_binop : OR>
        c = [v.pop()]
        return cb20(c)

    def r50(v):  # <operand : NOT operand>
        c = v[-2:]
        del v[-2:]
        return cb21(c)

    def r51(v):  # <operand : ADD_OP operand>
        c = v[-2:]
        del v[-2:]
        return cb22(c)

    def r52(v):  # <operand : postfix POW operand>
        c = v[-3:]
        del v[-3:]
        return cb23(c)

    def r54(v):  # <postfix : NAME>
        c = [v.pop()]
        return cb24(c)

    def r55(v):  # <postfix : NUMBER>
        c = [v.pop()]
        return cb25(c)

    def r56(v):  # <postfix : STRING>
        c = [v.pop()]
        return cb26(c)

    def r57(v):  # <postfix : FSTRING>
        c = [v.pop()]
        return cb27(c)

    def r58(v):  # <postfix : TRUE>
        c = [v.pop()]
        return cb28(c)

    def r59(v):  # <postfix : FALSE>
        c = [v.pop()]
        return cb29(c)

    def r60(v):  # <postfix : NONE>
        c = [v.pop()]
        return cb30(c)

    def r61(v):  # <postfix : LPAR expr RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb31(c)

    def r62(v):  # <postfix : LPAR RPAR>
        c = []
        del v[-2:]
        return cb32(c)

    def r63(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 COMMA RPAR>
        c = [v[-6], v[-4]]
        c += v[-3].children
        del v[-7:]
        return cb32(c)

    def r64(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 RPAR>
        c = [v[-5], v[-3]]
        c += v[-2].children
        del v[-6:]
        return cb32(c)

    def r65(v):  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        c = [v[-5], v[-3]]
        del v[-6:]
        return cb32(c)

    def r66(v):  # <postfix : LPAR expr COMMA expr RPAR>
        c = [v[-4], v[-2]]
        del v[-5:]
        return cb32(c)

    def r67(v):  # <postfix : LPAR expr COMMA RPAR>
        c = [v[-3], None]
        del v[-4:]
        return cb32(c)

    def r68(v):  # <postfix : LSQB expr __return_stmt_star_4 COMMA RSQB>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb33(c)

    def r69(v):  # <postfix : LSQB expr __return_stmt_star_4 RSQB>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb33(c)

    def r70(v):  # <postfix : LSQB expr COMMA RSQB>
        c = [v[-3]]
        del v[-4:]
        return cb33(c)

    def r71(v):  # <postfix : LSQB expr RSQB>
        c = [v[-2]]
        del v[-3:]
        return cb33(c)

    def r72(v):  # <postfix : LSQB RSQB>
        c = [None]
        del v[-2:]
        return cb33(c)

    def r73(v):  # <postfix : DICT_LBRACE pair __postfix_star_6 COMMA RBRACE>
        c = [v[-5], v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb34(c)

    def r74(v):  # <postfix : DICT_LBRACE pair __postfix_star_6 RBRACE>
        c = [v[-4], v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb34(c)

    def r75(v):  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        c = [v[-4], v[-3]]
        del v[-4:]
        return cb34(c)

    def r76(v):  # <postfix : DICT_LBRACE pair RBRACE>
        c = [v[-3], v[-2]]
        del v[-3:]
        return cb34(c)

    def r77(v):  # <postfix : DICT_LBRACE RBRACE>
        c = [v[-2], None]
        del v[-2:]
        return cb34(c)

    def r78(v):  # <postfix : postfix LPAR args RPAR>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb35(c)

    def r79(v):  # <postfix : postfix LPAR RPAR>
        c = [v[-3], None]
        del v[-3:]
        return cb35(c)

    def r80(v):  # <postfix : postfix LSQB expr RSQB>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb36(c)

    def r81(v):  # <postfix : postfix DOT NAME>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb37(c)

    def r82(v):  # <args : arg __args_star_7 COMMA>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb38(c)

    def r83(v):  # <args : arg __args_star_7>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb38(c)

    def r84(v):  # <args : arg COMMA>
        c = [v[-2]]
        del v[-2:]
        return cb38(c)

    def r85(v):  # <args : arg>
        c = [v.pop()]
        return cb38(c)

    def r87(v):  # <arg : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb39(c)

    def r88(v):  # <pair : expr COLON expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb40(c)

    def r89(v):  # <__module_star_0 : _NL>
        c = []
        del v[-1:]
        return cb41(c)

    def r90(v):  # <__module_star_0 : _top>
        c = v[-1].children
        del v[-1:]
        return cb41(c)

    def r91(v):  # <__module_star_0 : __module_star_0 _NL>
        c = v[-2].children
        del v[-2:]
        return cb41(c)

    def r92(v):  # <__module_star_0 : __module_star_0 _top>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb41(c)

    def r93(v):  # <__params_star_1 : COMMA param>
        c = [v[-1]]
        del v[-2:]
        return cb42(c)

    def r94(v):  # <__params_star_1 : __params_star_1 COMMA param>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb42(c)

    def r95(v):  # <__body_star_2 : _NL>
        c = []
        del v[-1:]
        return cb43(c)

    def r96(v):  # <__body_star_2 : _stmt>
        c = v[-1].children
        del v[-1:]
        return cb43(c)

    def r97(v):  # <__body_star_2 : __body_star_2 _NL>
        c = v[-2].children
        del v[-2:]
        return cb43(c)

    def r98(v):  # <__body_star_2 : __body_star_2 _stmt>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb43(c)

    def r99(v):  # <__assign_star_3 : COMMA NAME>
        c = [v[-1]]
        del v[-2:]
        return cb44(c)

    def r100(v):  # <__assign_star_3 : __assign_star_3 COMMA NAME>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb44(c)

    def r101(v):  # <__return_stmt_star_4 : COMMA expr>
        c = [v[-1]]
        del v[-2:]
        return cb45(c)

    def r102(v):  # <__return_stmt_star_4 : __return_stmt_star_4 COMMA expr>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb45(c)

    def r103(v):  # <__expr_star_5 : _binop operand>
        c = v[-2].children
        c += [v[-1]]
        del v[-2:]
        return cb46(c)

    def r104(v):  # <__expr_star_5 : __expr_star_5 _binop operand>
        c = v[-3].children
        c += v[-2].children
        c += [v[-1]]
        del v[-3:]
        return cb46(c)

    def r105(v):  # <__postfix_star_6 : COMMA pair>
        c = [v[-1]]
        del v[-2:]
        return cb47(c)

    def r106(v):  # <__postfix_star_6 : __postfix_star_6 COMMA pair>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb47(c)

    def r107(v):  # <__args_star_7 : COMMA arg>
        c = [v[-1]]
        del v[-2:]
        return cb48(c)

    def r108(v):  # <__args_star_7 : __args_star_7 COMMA arg>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb48(c)

    return (
        (1, 'module', r0),  # <module : __module_star_0>
        (0, 'module', r1),  # <module : >
        (2, '_top', r2),  # <_top : use_stmt _NL>
        (2, '_top', r3),  # <_top : const_stmt _NL>
        (1, '_top', r4),  # <_top : block_def>
        (1, '_top', r5),  # <_top : model_def>
        (2, 'use_stmt', r6),  # <use_stmt : USE STRING>
        (3, 'const_stmt', r7),  # <const_stmt : NAME EQUAL expr>
        (4, 'block_def', r8),  # <block_def : BLOCK NAME params body>
        (3, 'block_def', r9),  # <block_def : BLOCK NAME body>
        (4, 'model_def', r10),  # <model_def : MODEL NAME params body>
        (3, 'model_def', r11),  # <model_def : MODEL NAME body>
        (5, 'params', r12),  # <params : LPAR param __params_star_1 COMMA RPAR>
        (4, 'params', r13),  # <params : LPAR param __params_star_1 RPAR>
        (4, 'params', r14),  # <params : LPAR param COMMA RPAR>
        (3, 'params', r15),  # <params : LPAR param RPAR>
        (2, 'params', r16),  # <params : LPAR RPAR>
        (3, 'param', r17),  # <param : NAME EQUAL expr>
        (1, 'param', r18),  # <param : NAME>
        (3, 'body', r19),  # <body : LBRACE __body_star_2 RBRACE>
        (2, 'body', r20),  # <body : LBRACE RBRACE>
        (2, '_stmt', r21),  # <_stmt : _simple _NL>
        (1, '_stmt', r22),  # <_stmt : for_stmt>
        (1, '_stmt', r23),  # <_stmt : if_stmt>
        (1, '_simple', r24),  # <_simple : assign>
        (1, '_simple', r25),  # <_simple : share_stmt>
        (1, '_simple', r26),  # <_simple : output_stmt>
        (1, '_simple', r27),  # <_simple : output_list>
        (1, '_simple', r28),  # <_simple : return_stmt>
        (1, '_simple', r29),  # <_simple : expr_stmt>
        (4, 'assign', r30),  # <assign : NAME __assign_star_3 EQUAL expr>
        (3, 'assign', r31),  # <assign : NAME EQUAL expr>
        (4, 'share_stmt', r32),  # <share_stmt : SHARE NAME EQUAL expr>
        (4, 'output_stmt', r33),  # <output_stmt : OUTPUT NAME EQUAL expr>
        (3, 'output_list', r34),  # <output_list : OUTPUT NAME __assign_star_3>
        (2, 'output_list', r35),  # <output_list : OUTPUT NAME>
        (3, 'return_stmt', r36),  # <return_stmt : RETURN expr __return_stmt_star_4>
        (2, 'return_stmt', r37),  # <return_stmt : RETURN expr>
        (1, 'expr_stmt', r38),  # <expr_stmt : expr>
        (5, 'for_stmt', r39),  # <for_stmt : FOR NAME IN expr body>
        (5, 'if_stmt', r40),  # <if_stmt : IF expr body ELSE body>
        (5, 'if_stmt', r41),  # <if_stmt : IF expr body ELSE if_stmt>
        (3, 'if_stmt', r42),  # <if_stmt : IF expr body>
        (2, 'expr', r43),  # <expr : operand __expr_star_5>
        (1, 'expr', r44),  # <expr : operand>
        (1, '_binop', r45),  # <_binop : ADD_OP>
        (1, '_binop', r46),  # <_binop : MUL_OP>
        (1, '_binop', r47),  # <_binop : COMP_OP>
        (1, '_binop', r48),  # <_binop : AND>
        (1, '_binop', r49),  # <_binop : OR>
        (2, 'operand', r50),  # <operand : NOT operand>
        (2, 'operand', r51),  # <operand : ADD_OP operand>
        (3, 'operand', r52),  # <operand : postfix POW operand>
        (1, 'operand', None),  # <operand : postfix>
        (1, 'postfix', r54),  # <postfix : NAME>
        (1, 'postfix', r55),  # <postfix : NUMBER>
        (1, 'postfix', r56),  # <postfix : STRING>
        (1, 'postfix', r57),  # <postfix : FSTRING>
        (1, 'postfix', r58),  # <postfix : TRUE>
        (1, 'postfix', r59),  # <postfix : FALSE>
        (1, 'postfix', r60),  # <postfix : NONE>
        (3, 'postfix', r61),  # <postfix : LPAR expr RPAR>
        (2, 'postfix', r62),  # <postfix : LPAR RPAR>
        (7, 'postfix', r63),  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 COMMA RPAR>
        (6, 'postfix', r64),  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 RPAR>
        (6, 'postfix', r65),  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        (5, 'postfix', r66),  # <postfix : LPAR expr COMMA expr RPAR>
        (4, 'postfix', r67),  # <postfix : LPAR expr COMMA RPAR>
        (5, 'postfix', r68),  # <postfix : LSQB expr __return_stmt_star_4 COMMA RSQB>
        (4, 'postfix', r69),  # <postfix : LSQB expr __return_stmt_star_4 RSQB>
        (4, 'postfix', r70),  # <postfix : LSQB expr COMMA RSQB>
        (3, 'postfix', r71),  # <postfix : LSQB expr RSQB>
        (2, 'postfix', r72),  # <postfix : LSQB RSQB>
        (5, 'postfix', r73),  # <postfix : DICT_LBRACE pair __postfix_star_6 COMMA RBRACE>
        (4, 'postfix', r74),  # <postfix : DICT_LBRACE pair __postfix_star_6 RBRACE>
        (4, 'postfix', r75),  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        (3, 'postfix', r76),  # <postfix : DICT_LBRACE pair RBRACE>
        (2, 'postfix', r77),  # <postfix : DICT_LBRACE RBRACE>
        (4, 'postfix', r78),  # <postfix : postfix LPAR args RPAR>
        (3, 'postfix', r79),  # <postfix : postfix LPAR RPAR>
        (4, 'postfix', r80),  # <postfix : postfix LSQB expr RSQB>
        (3, 'postfix', r81),  # <postfix : postfix DOT NAME>
        (3, 'args', r82),  # <args : arg __args_star_7 COMMA>
        (2, 'args', r83),  # <args : arg __args_star_7>
        (2, 'args', r84),  # <args : arg COMMA>
        (1, 'args', r85),  # <args : arg>
        (1, 'arg', None),  # <arg : expr>
        (3, 'arg', r87),  # <arg : NAME EQUAL expr>
        (3, 'pair', r88),  # <pair : expr COLON expr>
        (1, '__module_star_0', r89),  # <__module_star_0 : _NL>
        (1, '__module_star_0', r90),  # <__module_star_0 : _top>
        (2, '__module_star_0', r91),  # <__module_star_0 : __module_star_0 _NL>
        (2, '__module_star_0', r92),  # <__module_star_0 : __module_star_0 _top>
        (2, '__params_star_1', r93),  # <__params_star_1 : COMMA param>
        (3, '__params_star_1', r94),  # <__params_star_1 : __params_star_1 COMMA param>
        (1, '__body_star_2', r95),  # <__body_star_2 : _NL>
        (1, '__body_star_2', r96),  # <__body_star_2 : _stmt>
        (2, '__body_star_2', r97),  # <__body_star_2 : __body_star_2 _NL>
        (2, '__body_star_2', r98),  # <__body_star_2 : __body_star_2 _stmt>
        (2, '__assign_star_3', r99),  # <__assign_star_3 : COMMA NAME>
        (3, '__assign_star_3', r100),  # <__assign_star_3 : __assign_star_3 COMMA NAME>
        (2, '__return_stmt_star_4', r101),  # <__return_stmt_star_4 : COMMA expr>
        (3, '__return_stmt_star_4', r102),  # <__return_stmt_star_4 : __return_stmt_star_4 COMMA expr>
        (2, '__expr_star_5', r103),  # <__expr_star_5 : _binop operand>
        (3, '__expr_star_5', r104),  # <__expr_star_5 : __expr_star_5 _binop operand>
        (2, '__postfix_star_6', r105),  # <__postfix_star_6 : COMMA pair>
        (3, '__postfix_star_6', r106),  # <__postfix_star_6 : __postfix_star_6 COMMA pair>
        (2, '__args_star_7', r107),  # <__args_star_7 : COMMA arg>
        (3, '__args_star_7', r108),  # <__args_star_7 : __args_star_7 COMMA arg>
    )
