"""GDL parser tables, generated from gdl.lark by graphc/grammar/generate.py: do not edit.

Regenerate with `make parser` (python -m graphc.grammar.generate); tests/test_parser.py
fails when this file is stale."""

# ruff: noqa
# fmt: off
GRAMMAR = '// GDL grammar (LALR(1)), see ../shared/gdl-spec.md.\n// Newlines are statement separators.  The token post-processor in\n// graphc/compiler/parse.py (1) drops newlines inside (), [] and dict {},\n// (2) drops newlines just before `else`, (3) re-types a `{` that opens a dict\n// literal as DICT_LBRACE and a `;` between statements as a newline, and\n// (4) ends every statement before a block\'s `}` and at the end of the file\n// with a newline, so every simple statement is terminated by a separator.\n\nmodule: (_NL | _top)*\n\n_top: use_stmt _NL | const_stmt _NL | block_def | model_def\n\nuse_stmt: "use" STRING\nconst_stmt: NAME "=" expr\n\nblock_def: "block" NAME params? body\nmodel_def: "model" NAME params? body\nparams: "(" [param ("," param)* ","?] ")"\nparam: NAME ("=" expr)?\n\nbody: LBRACE (_NL | _stmt)* "}"\n\n_stmt: _simple _NL | for_stmt | if_stmt\n_simple: assign | share_stmt | output_stmt | output_list | return_stmt | expr_stmt\n\nassign: NAME ("," NAME)* "=" expr\nshare_stmt: "share" NAME "=" expr\noutput_stmt: "output" NAME "=" expr\noutput_list: "output" NAME ("," NAME)*\nreturn_stmt: "return" expr ("," expr)*\nexpr_stmt: expr\nfor_stmt: "for" target_list "in" expr body\nif_stmt: "if" expr body ("else" (body | if_stmt))?\n\n// `for` targets: names, unpacked as in Python (`for i, (a, b) in ...`)\n?target_list: target_item\n            | target_item ","                 -> target_tuple\n            | target_item ("," target_item)+ ","? -> target_tuple\n?target_item: NAME                            -> target_name\n            | "(" target_list ")"\n\n// A conditional expression is the loosest expression (`a if c else b`); the\n// iterable and the filters of a comprehension are disjunctions (as in Python),\n// so the `if` after them starts a filter.\n?expr: disj\n     | disj "if" disj "else" expr             -> ifexp\n// Binary operators are parsed flat and arranged by precedence in parse.py\n// (fewer LALR reductions per operand than one rule per precedence level).\n?disj: operand (_binop operand)*              -> binexpr\n_binop: ADD_OP | MUL_OP | COMP_OP | AND | OR\n?operand: NOT operand                         -> not_prefix\n        | ADD_OP operand                      -> unary\n        | postfix POW operand                 -> pow_op\n        | postfix\n?postfix: NAME                                -> name\n        | NUMBER                              -> number\n        | STRING                              -> string\n        | FSTRING                             -> fstring\n        | TRUE                                -> true\n        | FALSE                               -> false\n        | NONE                                -> none\n        | "(" expr ")"                        -> paren\n        | "(" ")"                             -> tuple\n        | "(" expr "," [expr ("," expr)* ","?] ")" -> tuple\n        | "[" [expr ("," expr)* ","?] "]"     -> list\n        | "[" expr comp_for+ "]"              -> listcomp\n        | DICT_LBRACE [pair ("," pair)* ","?] "}" -> dict\n        | DICT_LBRACE expr ":" expr comp_for+ "}" -> dictcomp\n        | postfix "(" [args] ")"              -> call\n        | postfix "(" expr comp_for+ ")"      -> call_genexp\n        | postfix "[" subscript "]"           -> index\n        | postfix "." NAME                    -> attr\nargs: arg ("," arg)* ","?\n?arg: expr\n    | NAME "=" expr                           -> kw_arg\npair: expr ":" expr\ncomp_for: "for" target_list "in" disj ("if" disj)*\n\n// Subscripts: `x[i]`, `x[a:b:c]`, `x[..., None, :16]` (several items make a tuple)\n?subscript: _sub_item\n          | _sub_item ","                     -> sub_tuple\n          | _sub_item ("," _sub_item)+ ","?   -> sub_tuple\n_sub_item: expr | slice | ELLIPSIS\nslice: [expr] ":" [expr]\n     | [expr] ":" [expr] ":" [expr]           -> slice_step\n\n\nTRUE.2: "true" | "True"\nFALSE.2: "false" | "False"\nNONE.2: "None"\nNAME: /[A-Za-z_][A-Za-z0-9_]*/\nNUMBER: /(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?/\n// strings: an unrolled loop, not `("[^"\\\\\\n]" | escape)*`: Python\'s re keeps a frame per\n// character for a repeated alternation (a 10 MB string literal took 5 GB)\nSTRING: /"[^"\\\\\\n]*(?:\\\\.[^"\\\\\\n]*)*"/ | /\'[^\'\\\\\\n]*(?:\\\\.[^\'\\\\\\n]*)*\'/\nFSTRING: /[fF]"[^"\\\\\\n]*(?:\\\\.[^"\\\\\\n]*)*"/ | /[fF]\'[^\'\\\\\\n]*(?:\\\\.[^\'\\\\\\n]*)*\'/\nCOMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">"\nADD_OP: "+" | "-"\nMUL_OP: "//" | "*" | "/" | "%" | "@"\nPOW.2: "**"\nAND.2: "and"\nOR.2: "or"\nNOT.2: "not"\nLBRACE: "{"\nELLIPSIS: "..."\n%declare DICT_LBRACE SEMICOLON   // made by the lexer: a dict\'s `{`, and `;` (turned into a newline)\n_NL: /(\\r?\\n[\\t ]*)+/\nCOMMENT: /#[^\\n]*/\n\n%ignore COMMENT\n%ignore /[\\t \\f]+/\n%ignore /\\\\[\\t \\f]*\\r?\\n/\n'
START_STATE = 0
END_STATE = 11

# the lexer: one regex, keywords lexed as NAME and re-typed, ignored terminals
MASTER = '(?:(\r?\n[\t ]*)+)(?P<_NL>)|(?:#[^\n]*)(?P<COMMENT>)|(?:[\t \x0c]+)(?P<__IGNORE_1>)|(?:\\\\[\t \x0c]*\r?\n)(?P<__IGNORE_2>)|(?:(?:[fF]"[^"\\\\\n]*(?:\\\\.[^"\\\\\n]*)*"|[fF]\'[^\'\\\\\n]*(?:\\\\.[^\'\\\\\n]*)*\'))(?P<FSTRING>)|(?:[A-Za-z_][A-Za-z0-9_]*)(?P<NAME>)|(?:(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?)(?P<NUMBER>)|(?:(?:"[^"\\\\\n]*(?:\\\\.[^"\\\\\n]*)*"|\'[^\'\\\\\n]*(?:\\\\.[^\'\\\\\n]*)*\'))(?P<STRING>)|(?:\\.\\.\\.)(?P<ELLIPSIS>)|(?:\\*\\*)(?P<POW>)|(?:(?:==|!=|<=|>=|<|>))(?P<COMP_OP>)|(?:(?://|\\*|/|%|@))(?P<MUL_OP>)|(?:(?:\\+|\\-))(?P<ADD_OP>)|(?::)(?P<COLON>)|(?:,)(?P<COMMA>)|(?:\\.)(?P<DOT>)|(?:=)(?P<EQUAL>)|(?:\\{)(?P<LBRACE>)|(?:\\()(?P<LPAR>)|(?:\\[)(?P<LSQB>)|(?:\\})(?P<RBRACE>)|(?:\\))(?P<RPAR>)|(?:\\])(?P<RSQB>)|(?:;)(?P<SEMICOLON>)'
KEYWORDS = {'False': 'FALSE', 'None': 'NONE', 'True': 'TRUE', 'and': 'AND', 'block': 'BLOCK', 'else': 'ELSE', 'false': 'FALSE', 'for': 'FOR', 'if': 'IF', 'in': 'IN', 'model': 'MODEL', 'not': 'NOT', 'or': 'OR', 'output': 'OUTPUT', 'return': 'RETURN', 'share': 'SHARE', 'true': 'TRUE', 'use': 'USE'}
IGNORE = ('COMMENT', '__IGNORE_1', '__IGNORE_2')
TERMINALS = ('ADD_OP', 'AND', 'BLOCK', 'COLON', 'COMMA', 'COMMENT', 'COMP_OP', 'DOT', 'ELLIPSIS', 'ELSE', 'EQUAL', 'FALSE', 'FOR', 'FSTRING', 'IF', 'IN', 'LBRACE', 'LPAR', 'LSQB', 'MODEL', 'MUL_OP', 'NAME', 'NONE', 'NOT', 'NUMBER', 'OR', 'OUTPUT', 'POW', 'RBRACE', 'RETURN', 'RPAR', 'RSQB', 'SHARE', 'STRING', 'TRUE', 'USE', '_NL', '__IGNORE_1', '__IGNORE_2')

# ACTION[state][terminal]: a shift to state n (n >= 0) or a reduce by RULES[n] (n < 0)
ACTION = (
    {'$END': -148, 'BLOCK': 1, 'MODEL': 2, 'NAME': 3, 'USE': 4, '_NL': 5},
    {'NAME': 13},
    {'NAME': 14},
    {'EQUAL': 15},
    {'STRING': 16},
    {'$END': -28, 'BLOCK': -28, 'MODEL': -28, 'NAME': -28, 'USE': -28, '_NL': -28},
    {'$END': -149, 'BLOCK': 1, 'MODEL': 2, 'NAME': 3, 'USE': 4, '_NL': 17},
    {'$END': -27, 'BLOCK': -27, 'MODEL': -27, 'NAME': -27, 'USE': -27, '_NL': -27},
    {'$END': -145, 'BLOCK': -145, 'MODEL': -145, 'NAME': -145, 'USE': -145, '_NL': -145},
    {'_NL': 19},
    {'$END': -144, 'BLOCK': -144, 'MODEL': -144, 'NAME': -144, 'USE': -144, '_NL': -144},
    {},
    {'_NL': 20},
    {'LBRACE': 21, 'LPAR': 22},
    {'LBRACE': 21, 'LPAR': 22},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'_NL': -143},
    {'$END': -26, 'BLOCK': -26, 'MODEL': -26, 'NAME': -26, 'USE': -26, '_NL': -26},
    {'$END': -25, 'BLOCK': -25, 'MODEL': -25, 'NAME': -25, 'USE': -25, '_NL': -25},
    {'$END': -146, 'BLOCK': -146, 'MODEL': -146, 'NAME': -146, 'USE': -146, '_NL': -146},
    {'$END': -147, 'BLOCK': -147, 'MODEL': -147, 'NAME': -147, 'USE': -147, '_NL': -147},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FOR': 43, 'FSTRING': 30, 'IF': 44, 'LPAR': 31, 'LSQB': 32, 'NAME': 45, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'OUTPUT': 46, 'RBRACE': 47, 'RETURN': 48, 'SHARE': 49, 'STRING': 37, 'TRUE': 38, '_NL': 50},
    {'NAME': 63, 'RPAR': 64},
    {'$END': -140, 'BLOCK': -140, 'MODEL': -140, 'NAME': -140, 'USE': -140, '_NL': -140},
    {'LBRACE': 21},
    {'$END': -138, 'BLOCK': -138, 'MODEL': -138, 'NAME': -138, 'USE': -138, '_NL': -138},
    {'LBRACE': 21},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 69, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -82, 'AND': -82, 'COLON': -82, 'COMMA': -82, 'COMP_OP': -82, 'DOT': -82, 'ELSE': -82, 'FOR': -82, 'IF': -82, 'LBRACE': -82, 'LPAR': -82, 'LSQB': -82, 'MUL_OP': -82, 'OR': -82, 'POW': -82, 'RBRACE': -82, 'RPAR': -82, 'RSQB': -82, '_NL': -82},
    {'ADD_OP': -84, 'AND': -84, 'COLON': -84, 'COMMA': -84, 'COMP_OP': -84, 'DOT': -84, 'ELSE': -84, 'FOR': -84, 'IF': -84, 'LBRACE': -84, 'LPAR': -84, 'LSQB': -84, 'MUL_OP': -84, 'OR': -84, 'POW': -84, 'RBRACE': -84, 'RPAR': -84, 'RSQB': -84, '_NL': -84},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 72, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 74, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -87, 'AND': -87, 'COLON': -87, 'COMMA': -87, 'COMP_OP': -87, 'DOT': -87, 'ELSE': -87, 'FOR': -87, 'IF': -87, 'LBRACE': -87, 'LPAR': -87, 'LSQB': -87, 'MUL_OP': -87, 'OR': -87, 'POW': -87, 'RBRACE': -87, 'RPAR': -87, 'RSQB': -87, '_NL': -87},
    {'ADD_OP': -81, 'AND': -81, 'COLON': -81, 'COMMA': -81, 'COMP_OP': -81, 'DOT': -81, 'ELSE': -81, 'FOR': -81, 'IF': -81, 'LBRACE': -81, 'LPAR': -81, 'LSQB': -81, 'MUL_OP': -81, 'OR': -81, 'POW': -81, 'RBRACE': -81, 'RPAR': -81, 'RSQB': -81, '_NL': -81},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -86, 'AND': -86, 'COLON': -86, 'COMMA': -86, 'COMP_OP': -86, 'DOT': -86, 'ELSE': -86, 'FOR': -86, 'IF': -86, 'LBRACE': -86, 'LPAR': -86, 'LSQB': -86, 'MUL_OP': -86, 'OR': -86, 'POW': -86, 'RBRACE': -86, 'RPAR': -86, 'RSQB': -86, '_NL': -86},
    {'ADD_OP': -85, 'AND': -85, 'COLON': -85, 'COMMA': -85, 'COMP_OP': -85, 'DOT': -85, 'ELSE': -85, 'FOR': -85, 'IF': -85, 'LBRACE': -85, 'LPAR': -85, 'LSQB': -85, 'MUL_OP': -85, 'OR': -85, 'POW': -85, 'RBRACE': -85, 'RPAR': -85, 'RSQB': -85, '_NL': -85},
    {'ADD_OP': -83, 'AND': -83, 'COLON': -83, 'COMMA': -83, 'COMP_OP': -83, 'DOT': -83, 'ELSE': -83, 'FOR': -83, 'IF': -83, 'LBRACE': -83, 'LPAR': -83, 'LSQB': -83, 'MUL_OP': -83, 'OR': -83, 'POW': -83, 'RBRACE': -83, 'RPAR': -83, 'RSQB': -83, '_NL': -83},
    {'COLON': -100, 'COMMA': -100, 'FOR': -100, 'IF': 77, 'LBRACE': -100, 'RBRACE': -100, 'RPAR': -100, 'RSQB': -100, '_NL': -100},
    {'_NL': -142},
    {'ADD_OP': 78, 'AND': 79, 'COLON': -97, 'COMMA': -97, 'COMP_OP': 80, 'ELSE': -97, 'FOR': -97, 'IF': -97, 'LBRACE': -97, 'MUL_OP': 81, 'OR': 82, 'RBRACE': -97, 'RPAR': -97, 'RSQB': -97, '_NL': -97},
    {'ADD_OP': -88, 'AND': -88, 'COLON': -88, 'COMMA': -88, 'COMP_OP': -88, 'DOT': 85, 'ELSE': -88, 'FOR': -88, 'IF': -88, 'LBRACE': -88, 'LPAR': 86, 'LSQB': 87, 'MUL_OP': -88, 'OR': -88, 'POW': 88, 'RBRACE': -88, 'RPAR': -88, 'RSQB': -88, '_NL': -88},
    {'LPAR': 89, 'NAME': 90},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -87, 'AND': -87, 'COMMA': 94, 'COMP_OP': -87, 'DOT': -87, 'EQUAL': 95, 'IF': -87, 'LPAR': -87, 'LSQB': -87, 'MUL_OP': -87, 'OR': -87, 'POW': -87, '_NL': -87},
    {'NAME': 97},
    {'$END': -129, 'ADD_OP': -129, 'BLOCK': -129, 'DICT_LBRACE': -129, 'ELSE': -129, 'FALSE': -129, 'FOR': -129, 'FSTRING': -129, 'IF': -129, 'LPAR': -129, 'LSQB': -129, 'MODEL': -129, 'NAME': -129, 'NONE': -129, 'NOT': -129, 'NUMBER': -129, 'OUTPUT': -129, 'RBRACE': -129, 'RETURN': -129, 'SHARE': -129, 'STRING': -129, 'TRUE': -129, 'USE': -129, '_NL': -129},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 99},
    {'ADD_OP': -22, 'DICT_LBRACE': -22, 'FALSE': -22, 'FOR': -22, 'FSTRING': -22, 'IF': -22, 'LPAR': -22, 'LSQB': -22, 'NAME': -22, 'NONE': -22, 'NOT': -22, 'NUMBER': -22, 'OUTPUT': -22, 'RBRACE': -22, 'RETURN': -22, 'SHARE': -22, 'STRING': -22, 'TRUE': -22, '_NL': -22},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FOR': 43, 'FSTRING': 30, 'IF': 44, 'LPAR': 31, 'LSQB': 32, 'NAME': 45, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'OUTPUT': 46, 'RBRACE': 100, 'RETURN': 48, 'SHARE': 49, 'STRING': 37, 'TRUE': 38, '_NL': 101},
    {'_NL': 103},
    {'ADD_OP': -21, 'DICT_LBRACE': -21, 'FALSE': -21, 'FOR': -21, 'FSTRING': -21, 'IF': -21, 'LPAR': -21, 'LSQB': -21, 'NAME': -21, 'NONE': -21, 'NOT': -21, 'NUMBER': -21, 'OUTPUT': -21, 'RBRACE': -21, 'RETURN': -21, 'SHARE': -21, 'STRING': -21, 'TRUE': -21, '_NL': -21},
    {'_NL': -125},
    {'_NL': -111},
    {'_NL': -120},
    {'ADD_OP': -127, 'DICT_LBRACE': -127, 'FALSE': -127, 'FOR': -127, 'FSTRING': -127, 'IF': -127, 'LPAR': -127, 'LSQB': -127, 'NAME': -127, 'NONE': -127, 'NOT': -127, 'NUMBER': -127, 'OUTPUT': -127, 'RBRACE': -127, 'RETURN': -127, 'SHARE': -127, 'STRING': -127, 'TRUE': -127, '_NL': -127},
    {'ADD_OP': -126, 'DICT_LBRACE': -126, 'FALSE': -126, 'FOR': -126, 'FSTRING': -126, 'IF': -126, 'LPAR': -126, 'LSQB': -126, 'NAME': -126, 'NONE': -126, 'NOT': -126, 'NUMBER': -126, 'OUTPUT': -126, 'RBRACE': -126, 'RETURN': -126, 'SHARE': -126, 'STRING': -126, 'TRUE': -126, '_NL': -126},
    {'_NL': -122},
    {'_NL': -123},
    {'_NL': -121},
    {'_NL': -124},
    {'COMMA': -131, 'EQUAL': 104, 'RPAR': -131},
    {'LBRACE': -133},
    {'COMMA': 105, 'RPAR': 106},
    {'$END': -141, 'BLOCK': -141, 'MODEL': -141, 'NAME': -141, 'USE': -141, '_NL': -141},
    {'$END': -139, 'BLOCK': -139, 'MODEL': -139, 'NAME': -139, 'USE': -139, '_NL': -139},
    {'ADD_OP': -90, 'AND': -90, 'COLON': -90, 'COMMA': -90, 'COMP_OP': -90, 'ELSE': -90, 'FOR': -90, 'IF': -90, 'LBRACE': -90, 'MUL_OP': -90, 'OR': -90, 'RBRACE': -90, 'RPAR': -90, 'RSQB': -90, '_NL': -90},
    {'ADD_OP': -63, 'AND': -63, 'COLON': -63, 'COMMA': -63, 'COMP_OP': -63, 'DOT': -63, 'ELSE': -63, 'FOR': -63, 'IF': -63, 'LBRACE': -63, 'LPAR': -63, 'LSQB': -63, 'MUL_OP': -63, 'OR': -63, 'POW': -63, 'RBRACE': -63, 'RPAR': -63, 'RSQB': -63, '_NL': -63},
    {'COLON': 108},
    {'COMMA': 109, 'RBRACE': 110},
    {'ADD_OP': -79, 'AND': -79, 'COLON': -79, 'COMMA': -79, 'COMP_OP': -79, 'DOT': -79, 'ELSE': -79, 'FOR': -79, 'IF': -79, 'LBRACE': -79, 'LPAR': -79, 'LSQB': -79, 'MUL_OP': -79, 'OR': -79, 'POW': -79, 'RBRACE': -79, 'RPAR': -79, 'RSQB': -79, '_NL': -79},
    {'COMMA': 112, 'RPAR': 113},
    {'ADD_OP': -69, 'AND': -69, 'COLON': -69, 'COMMA': -69, 'COMP_OP': -69, 'DOT': -69, 'ELSE': -69, 'FOR': -69, 'IF': -69, 'LBRACE': -69, 'LPAR': -69, 'LSQB': -69, 'MUL_OP': -69, 'OR': -69, 'POW': -69, 'RBRACE': -69, 'RPAR': -69, 'RSQB': -69, '_NL': -69},
    {'COMMA': 114, 'FOR': 115, 'RSQB': 116},
    {'ADD_OP': -91, 'AND': -91, 'COLON': -91, 'COMMA': -91, 'COMP_OP': -91, 'ELSE': -91, 'FOR': -91, 'IF': -91, 'LBRACE': -91, 'MUL_OP': -91, 'OR': -91, 'RBRACE': -91, 'RPAR': -91, 'RSQB': -91, '_NL': -91},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -96, 'DICT_LBRACE': -96, 'FALSE': -96, 'FSTRING': -96, 'LPAR': -96, 'LSQB': -96, 'NAME': -96, 'NONE': -96, 'NOT': -96, 'NUMBER': -96, 'STRING': -96, 'TRUE': -96},
    {'ADD_OP': -93, 'DICT_LBRACE': -93, 'FALSE': -93, 'FSTRING': -93, 'LPAR': -93, 'LSQB': -93, 'NAME': -93, 'NONE': -93, 'NOT': -93, 'NUMBER': -93, 'STRING': -93, 'TRUE': -93},
    {'ADD_OP': -94, 'DICT_LBRACE': -94, 'FALSE': -94, 'FSTRING': -94, 'LPAR': -94, 'LSQB': -94, 'NAME': -94, 'NONE': -94, 'NOT': -94, 'NUMBER': -94, 'STRING': -94, 'TRUE': -94},
    {'ADD_OP': -95, 'DICT_LBRACE': -95, 'FALSE': -95, 'FSTRING': -95, 'LPAR': -95, 'LSQB': -95, 'NAME': -95, 'NONE': -95, 'NOT': -95, 'NUMBER': -95, 'STRING': -95, 'TRUE': -95},
    {'ADD_OP': -92, 'DICT_LBRACE': -92, 'FALSE': -92, 'FSTRING': -92, 'LPAR': -92, 'LSQB': -92, 'NAME': -92, 'NONE': -92, 'NOT': -92, 'NUMBER': -92, 'STRING': -92, 'TRUE': -92},
    {'ADD_OP': 78, 'AND': 79, 'COLON': -98, 'COMMA': -98, 'COMP_OP': 80, 'ELSE': -98, 'FOR': -98, 'IF': -98, 'LBRACE': -98, 'MUL_OP': 81, 'OR': 82, 'RBRACE': -98, 'RPAR': -98, 'RSQB': -98, '_NL': -98},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 123},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 124, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 125, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'COLON': 129, 'DICT_LBRACE': 28, 'ELLIPSIS': 130, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'LPAR': 89, 'NAME': 90},
    {'COMMA': -102, 'IN': -102, 'RPAR': -102},
    {'COMMA': 137, 'IN': -106, 'RPAR': -106},
    {'IN': 139},
    {'LBRACE': 21},
    {'NAME': 141},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 143, 'EQUAL': 144},
    {'COMMA': 94, 'EQUAL': 145, '_NL': -114},
    {'COMMA': 147, '_NL': -112},
    {'EQUAL': 149},
    {'$END': -130, 'ADD_OP': -130, 'BLOCK': -130, 'DICT_LBRACE': -130, 'ELSE': -130, 'FALSE': -130, 'FOR': -130, 'FSTRING': -130, 'IF': -130, 'LPAR': -130, 'LSQB': -130, 'MODEL': -130, 'NAME': -130, 'NONE': -130, 'NOT': -130, 'NUMBER': -130, 'OUTPUT': -130, 'RBRACE': -130, 'RETURN': -130, 'SHARE': -130, 'STRING': -130, 'TRUE': -130, 'USE': -130, '_NL': -130},
    {'ADD_OP': -20, 'DICT_LBRACE': -20, 'FALSE': -20, 'FOR': -20, 'FSTRING': -20, 'IF': -20, 'LPAR': -20, 'LSQB': -20, 'NAME': -20, 'NONE': -20, 'NOT': -20, 'NUMBER': -20, 'OUTPUT': -20, 'RBRACE': -20, 'RETURN': -20, 'SHARE': -20, 'STRING': -20, 'TRUE': -20, '_NL': -20},
    {'ADD_OP': -19, 'DICT_LBRACE': -19, 'FALSE': -19, 'FOR': -19, 'FSTRING': -19, 'IF': -19, 'LPAR': -19, 'LSQB': -19, 'NAME': -19, 'NONE': -19, 'NOT': -19, 'NUMBER': -19, 'OUTPUT': -19, 'RBRACE': -19, 'RETURN': -19, 'SHARE': -19, 'STRING': -19, 'TRUE': -19, '_NL': -19},
    {'ADD_OP': -128, 'DICT_LBRACE': -128, 'FALSE': -128, 'FOR': -128, 'FSTRING': -128, 'IF': -128, 'LPAR': -128, 'LSQB': -128, 'NAME': -128, 'NONE': -128, 'NOT': -128, 'NUMBER': -128, 'OUTPUT': -128, 'RBRACE': -128, 'RETURN': -128, 'SHARE': -128, 'STRING': -128, 'TRUE': -128, '_NL': -128},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'NAME': 63, 'RPAR': 151},
    {'LBRACE': -134},
    {'COMMA': 153, 'RPAR': 154},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 156, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -64, 'AND': -64, 'COLON': -64, 'COMMA': -64, 'COMP_OP': -64, 'DOT': -64, 'ELSE': -64, 'FOR': -64, 'IF': -64, 'LBRACE': -64, 'LPAR': -64, 'LSQB': -64, 'MUL_OP': -64, 'OR': -64, 'POW': -64, 'RBRACE': -64, 'RPAR': -64, 'RSQB': -64, '_NL': -64},
    {'COMMA': 159, 'RBRACE': 160},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 161, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -80, 'AND': -80, 'COLON': -80, 'COMMA': -80, 'COMP_OP': -80, 'DOT': -80, 'ELSE': -80, 'FOR': -80, 'IF': -80, 'LBRACE': -80, 'LPAR': -80, 'LSQB': -80, 'MUL_OP': -80, 'OR': -80, 'POW': -80, 'RBRACE': -80, 'RPAR': -80, 'RSQB': -80, '_NL': -80},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 163, 'STRING': 37, 'TRUE': 38},
    {'LPAR': 89, 'NAME': 90},
    {'ADD_OP': -70, 'AND': -70, 'COLON': -70, 'COMMA': -70, 'COMP_OP': -70, 'DOT': -70, 'ELSE': -70, 'FOR': -70, 'IF': -70, 'LBRACE': -70, 'LPAR': -70, 'LSQB': -70, 'MUL_OP': -70, 'OR': -70, 'POW': -70, 'RBRACE': -70, 'RPAR': -70, 'RSQB': -70, '_NL': -70},
    {'FOR': 115, 'RSQB': 166},
    {'COMMA': 168, 'RSQB': 169},
    {'FOR': -8, 'RBRACE': -8, 'RPAR': -8, 'RSQB': -8},
    {'ELSE': 170},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -12, 'AND': -12, 'COLON': -12, 'COMMA': -12, 'COMP_OP': -12, 'ELSE': -12, 'FOR': -12, 'IF': -12, 'LBRACE': -12, 'MUL_OP': -12, 'OR': -12, 'RBRACE': -12, 'RPAR': -12, 'RSQB': -12, '_NL': -12},
    {'ADD_OP': -57, 'AND': -57, 'COLON': -57, 'COMMA': -57, 'COMP_OP': -57, 'DOT': -57, 'ELSE': -57, 'FOR': -57, 'IF': -57, 'LBRACE': -57, 'LPAR': -57, 'LSQB': -57, 'MUL_OP': -57, 'OR': -57, 'POW': -57, 'RBRACE': -57, 'RPAR': -57, 'RSQB': -57, '_NL': -57},
    {'ADD_OP': -87, 'AND': -87, 'COMMA': -87, 'COMP_OP': -87, 'DOT': -87, 'EQUAL': 172, 'FOR': -87, 'IF': -87, 'LPAR': -87, 'LSQB': -87, 'MUL_OP': -87, 'OR': -87, 'POW': -87, 'RPAR': -87},
    {'ADD_OP': -60, 'AND': -60, 'COLON': -60, 'COMMA': -60, 'COMP_OP': -60, 'DOT': -60, 'ELSE': -60, 'FOR': -60, 'IF': -60, 'LBRACE': -60, 'LPAR': -60, 'LSQB': -60, 'MUL_OP': -60, 'OR': -60, 'POW': -60, 'RBRACE': -60, 'RPAR': -60, 'RSQB': -60, '_NL': -60},
    {'COMMA': 173, 'RPAR': -53},
    {'RPAR': 175},
    {'COMMA': -52, 'FOR': 115, 'RPAR': -52},
    {'ADD_OP': 27, 'COLON': 177, 'COMMA': -37, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -37, 'STRING': 37, 'TRUE': 38},
    {'COMMA': -41, 'RSQB': -41},
    {'COMMA': 179, 'RSQB': -47},
    {'COLON': 181, 'COMMA': -43, 'RSQB': -43},
    {'COMMA': -42, 'RSQB': -42},
    {'RSQB': 182},
    {'ADD_OP': -89, 'AND': -89, 'COLON': -89, 'COMMA': -89, 'COMP_OP': -89, 'ELSE': -89, 'FOR': -89, 'IF': -89, 'LBRACE': -89, 'MUL_OP': -89, 'OR': -89, 'RBRACE': -89, 'RPAR': -89, 'RSQB': -89, '_NL': -89},
    {'RPAR': 183},
    {'IN': -105, 'LPAR': 89, 'NAME': 90, 'RPAR': -105},
    {'COMMA': 185, 'IN': -103, 'RPAR': -103},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -107, 'DICT_LBRACE': -107, 'ELSE': 187, 'FALSE': -107, 'FOR': -107, 'FSTRING': -107, 'IF': -107, 'LPAR': -107, 'LSQB': -107, 'NAME': -107, 'NONE': -107, 'NOT': -107, 'NUMBER': -107, 'OUTPUT': -107, 'RBRACE': -107, 'RETURN': -107, 'SHARE': -107, 'STRING': -107, 'TRUE': -107, '_NL': -107},
    {'COMMA': -18, 'EQUAL': -18, '_NL': -18},
    {'_NL': -118},
    {'NAME': 188},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 143, '_NL': -115},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 191, '_NL': -113},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'COMMA': -132, 'RPAR': -132},
    {'LBRACE': -135},
    {'COMMA': -24, 'RPAR': -24},
    {'NAME': 63, 'RPAR': 193},
    {'LBRACE': -136},
    {'COMMA': -50, 'FOR': 115, 'RBRACE': -50},
    {'ADD_OP': -65, 'AND': -65, 'COLON': -65, 'COMMA': -65, 'COMP_OP': -65, 'DOT': -65, 'ELSE': -65, 'FOR': -65, 'IF': -65, 'LBRACE': -65, 'LPAR': -65, 'LSQB': -65, 'MUL_OP': -65, 'OR': -65, 'POW': -65, 'RBRACE': -65, 'RPAR': -65, 'RSQB': -65, '_NL': -65},
    {'COLON': 196},
    {'COMMA': -10, 'RBRACE': -10},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RBRACE': 197, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -66, 'AND': -66, 'COLON': -66, 'COMMA': -66, 'COMP_OP': -66, 'DOT': -66, 'ELSE': -66, 'FOR': -66, 'IF': -66, 'LBRACE': -66, 'LPAR': -66, 'LSQB': -66, 'MUL_OP': -66, 'OR': -66, 'POW': -66, 'RBRACE': -66, 'RPAR': -66, 'RSQB': -66, '_NL': -66},
    {'ADD_OP': -74, 'AND': -74, 'COLON': -74, 'COMMA': -74, 'COMP_OP': -74, 'DOT': -74, 'ELSE': -74, 'FOR': -74, 'IF': -74, 'LBRACE': -74, 'LPAR': -74, 'LSQB': -74, 'MUL_OP': -74, 'OR': -74, 'POW': -74, 'RBRACE': -74, 'RPAR': -74, 'RSQB': -74, '_NL': -74},
    {'COMMA': 199, 'RPAR': 200},
    {'ADD_OP': -71, 'AND': -71, 'COLON': -71, 'COMMA': -71, 'COMP_OP': -71, 'DOT': -71, 'ELSE': -71, 'FOR': -71, 'IF': -71, 'LBRACE': -71, 'LPAR': -71, 'LSQB': -71, 'MUL_OP': -71, 'OR': -71, 'POW': -71, 'RBRACE': -71, 'RPAR': -71, 'RSQB': -71, '_NL': -71},
    {'COMMA': -16, 'RPAR': -16, 'RSQB': -16, '_NL': -16},
    {'IN': 202},
    {'ADD_OP': -68, 'AND': -68, 'COLON': -68, 'COMMA': -68, 'COMP_OP': -68, 'DOT': -68, 'ELSE': -68, 'FOR': -68, 'IF': -68, 'LBRACE': -68, 'LPAR': -68, 'LSQB': -68, 'MUL_OP': -68, 'OR': -68, 'POW': -68, 'RBRACE': -68, 'RPAR': -68, 'RSQB': -68, '_NL': -68},
    {'FOR': -7, 'RBRACE': -7, 'RPAR': -7, 'RSQB': -7},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': 203, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -72, 'AND': -72, 'COLON': -72, 'COMMA': -72, 'COMP_OP': -72, 'DOT': -72, 'ELSE': -72, 'FOR': -72, 'IF': -72, 'LBRACE': -72, 'LPAR': -72, 'LSQB': -72, 'MUL_OP': -72, 'OR': -72, 'POW': -72, 'RBRACE': -72, 'RPAR': -72, 'RSQB': -72, '_NL': -72},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -11, 'AND': -11, 'COLON': -11, 'COMMA': -11, 'COMP_OP': -11, 'ELSE': -11, 'FOR': -11, 'IF': -11, 'LBRACE': -11, 'MUL_OP': -11, 'OR': -11, 'RBRACE': -11, 'RPAR': -11, 'RSQB': -11, '_NL': -11},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 124, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': -54, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 209, 'RPAR': -55},
    {'ADD_OP': -61, 'AND': -61, 'COLON': -61, 'COMMA': -61, 'COMP_OP': -61, 'DOT': -61, 'ELSE': -61, 'FOR': -61, 'IF': -61, 'LBRACE': -61, 'LPAR': -61, 'LSQB': -61, 'MUL_OP': -61, 'OR': -61, 'POW': -61, 'RBRACE': -61, 'RPAR': -61, 'RSQB': -61, '_NL': -61},
    {'FOR': 115, 'RPAR': 210},
    {'ADD_OP': 27, 'COMMA': -29, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -29, 'STRING': 37, 'TRUE': 38},
    {'COLON': 212, 'COMMA': -38, 'RSQB': -38},
    {'ADD_OP': 27, 'COLON': 129, 'DICT_LBRACE': 28, 'ELLIPSIS': 130, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -46, 'STRING': 37, 'TRUE': 38},
    {'COMMA': 214, 'RSQB': -44},
    {'ADD_OP': 27, 'COLON': 215, 'COMMA': -39, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -39, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -58, 'AND': -58, 'COLON': -58, 'COMMA': -58, 'COMP_OP': -58, 'DOT': -58, 'ELSE': -58, 'FOR': -58, 'IF': -58, 'LBRACE': -58, 'LPAR': -58, 'LSQB': -58, 'MUL_OP': -58, 'OR': -58, 'POW': -58, 'RBRACE': -58, 'RPAR': -58, 'RSQB': -58, '_NL': -58},
    {'COMMA': -101, 'IN': -101, 'RPAR': -101},
    {'COMMA': -14, 'IN': -14, 'RPAR': -14},
    {'IN': -104, 'LPAR': 89, 'NAME': 90, 'RPAR': -104},
    {'LBRACE': 21},
    {'IF': 44, 'LBRACE': 21},
    {'COMMA': -17, 'EQUAL': -17, '_NL': -17},
    {'_NL': -119},
    {'_NL': -116},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'_NL': -117},
    {'LBRACE': -137},
    {'COMMA': -23, 'RPAR': -23},
    {'FOR': 115, 'RBRACE': 221},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -67, 'AND': -67, 'COLON': -67, 'COMMA': -67, 'COMP_OP': -67, 'DOT': -67, 'ELSE': -67, 'FOR': -67, 'IF': -67, 'LBRACE': -67, 'LPAR': -67, 'LSQB': -67, 'MUL_OP': -67, 'OR': -67, 'POW': -67, 'RBRACE': -67, 'RPAR': -67, 'RSQB': -67, '_NL': -67},
    {'COMMA': -9, 'RBRACE': -9},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 223, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -75, 'AND': -75, 'COLON': -75, 'COMMA': -75, 'COMP_OP': -75, 'DOT': -75, 'ELSE': -75, 'FOR': -75, 'IF': -75, 'LBRACE': -75, 'LPAR': -75, 'LSQB': -75, 'MUL_OP': -75, 'OR': -75, 'POW': -75, 'RBRACE': -75, 'RPAR': -75, 'RSQB': -75, '_NL': -75},
    {'COMMA': 224, 'RPAR': 225},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -73, 'AND': -73, 'COLON': -73, 'COMMA': -73, 'COMP_OP': -73, 'DOT': -73, 'ELSE': -73, 'FOR': -73, 'IF': -73, 'LBRACE': -73, 'LPAR': -73, 'LSQB': -73, 'MUL_OP': -73, 'OR': -73, 'POW': -73, 'RBRACE': -73, 'RPAR': -73, 'RSQB': -73, '_NL': -73},
    {'COMMA': -15, 'RPAR': -15, 'RSQB': -15, '_NL': -15},
    {'COLON': -99, 'COMMA': -99, 'FOR': -99, 'LBRACE': -99, 'RBRACE': -99, 'RPAR': -99, 'RSQB': -99, '_NL': -99},
    {'COMMA': -51, 'RPAR': -51},
    {'COMMA': -6, 'RPAR': -6},
    {'COMMA': -52, 'RPAR': -52},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 124, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': -56, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -59, 'AND': -59, 'COLON': -59, 'COMMA': -59, 'COMP_OP': -59, 'DOT': -59, 'ELSE': -59, 'FOR': -59, 'IF': -59, 'LBRACE': -59, 'LPAR': -59, 'LSQB': -59, 'MUL_OP': -59, 'OR': -59, 'POW': -59, 'RBRACE': -59, 'RPAR': -59, 'RSQB': -59, '_NL': -59},
    {'COMMA': -30, 'RSQB': -30},
    {'ADD_OP': 27, 'COMMA': -31, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -31, 'STRING': 37, 'TRUE': 38},
    {'COMMA': -2, 'RSQB': -2},
    {'ADD_OP': 27, 'COLON': 129, 'DICT_LBRACE': 28, 'ELLIPSIS': 130, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -45, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': 27, 'COMMA': -33, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -33, 'STRING': 37, 'TRUE': 38},
    {'COLON': 231, 'COMMA': -40, 'RSQB': -40},
    {'COMMA': -13, 'IN': -13, 'RPAR': -13},
    {'ADD_OP': -110, 'DICT_LBRACE': -110, 'FALSE': -110, 'FOR': -110, 'FSTRING': -110, 'IF': -110, 'LPAR': -110, 'LSQB': -110, 'NAME': -110, 'NONE': -110, 'NOT': -110, 'NUMBER': -110, 'OUTPUT': -110, 'RBRACE': -110, 'RETURN': -110, 'SHARE': -110, 'STRING': -110, 'TRUE': -110, '_NL': -110},
    {'ADD_OP': -109, 'DICT_LBRACE': -109, 'FALSE': -109, 'FOR': -109, 'FSTRING': -109, 'IF': -109, 'LPAR': -109, 'LSQB': -109, 'NAME': -109, 'NONE': -109, 'NOT': -109, 'NUMBER': -109, 'OUTPUT': -109, 'RBRACE': -109, 'RETURN': -109, 'SHARE': -109, 'STRING': -109, 'TRUE': -109, '_NL': -109},
    {'ADD_OP': -108, 'DICT_LBRACE': -108, 'FALSE': -108, 'FOR': -108, 'FSTRING': -108, 'IF': -108, 'LPAR': -108, 'LSQB': -108, 'NAME': -108, 'NONE': -108, 'NOT': -108, 'NUMBER': -108, 'OUTPUT': -108, 'RBRACE': -108, 'RETURN': -108, 'SHARE': -108, 'STRING': -108, 'TRUE': -108, '_NL': -108},
    {'ADD_OP': -62, 'AND': -62, 'COLON': -62, 'COMMA': -62, 'COMP_OP': -62, 'DOT': -62, 'ELSE': -62, 'FOR': -62, 'IF': -62, 'LBRACE': -62, 'LPAR': -62, 'LSQB': -62, 'MUL_OP': -62, 'OR': -62, 'POW': -62, 'RBRACE': -62, 'RPAR': -62, 'RSQB': -62, '_NL': -62},
    {'COMMA': -50, 'RBRACE': -50},
    {'ADD_OP': -76, 'AND': -76, 'COLON': -76, 'COMMA': -76, 'COMP_OP': -76, 'DOT': -76, 'ELSE': -76, 'FOR': -76, 'IF': -76, 'LBRACE': -76, 'LPAR': -76, 'LSQB': -76, 'MUL_OP': -76, 'OR': -76, 'POW': -76, 'RBRACE': -76, 'RPAR': -76, 'RSQB': -76, '_NL': -76},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RPAR': 232, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -77, 'AND': -77, 'COLON': -77, 'COMMA': -77, 'COMP_OP': -77, 'DOT': -77, 'ELSE': -77, 'FOR': -77, 'IF': -77, 'LBRACE': -77, 'LPAR': -77, 'LSQB': -77, 'MUL_OP': -77, 'OR': -77, 'POW': -77, 'RBRACE': -77, 'RPAR': -77, 'RSQB': -77, '_NL': -77},
    {'FOR': -48, 'IF': 233, 'RBRACE': -48, 'RPAR': -48, 'RSQB': -48},
    {'COMMA': -5, 'RPAR': -5},
    {'COMMA': -32, 'RSQB': -32},
    {'COMMA': -1, 'RSQB': -1},
    {'COMMA': -34, 'RSQB': -34},
    {'ADD_OP': 27, 'COMMA': -35, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'RSQB': -35, 'STRING': 37, 'TRUE': 38},
    {'ADD_OP': -78, 'AND': -78, 'COLON': -78, 'COMMA': -78, 'COMP_OP': -78, 'DOT': -78, 'ELSE': -78, 'FOR': -78, 'IF': -78, 'LBRACE': -78, 'LPAR': -78, 'LSQB': -78, 'MUL_OP': -78, 'OR': -78, 'POW': -78, 'RBRACE': -78, 'RPAR': -78, 'RSQB': -78, '_NL': -78},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'FOR': -49, 'IF': 237, 'RBRACE': -49, 'RPAR': -49, 'RSQB': -49},
    {'COMMA': -36, 'RSQB': -36},
    {'FOR': -4, 'IF': -4, 'RBRACE': -4, 'RPAR': -4, 'RSQB': -4},
    {'ADD_OP': 27, 'DICT_LBRACE': 28, 'FALSE': 29, 'FSTRING': 30, 'LPAR': 31, 'LSQB': 32, 'NAME': 33, 'NONE': 34, 'NOT': 35, 'NUMBER': 36, 'STRING': 37, 'TRUE': 38},
    {'FOR': -3, 'IF': -3, 'RBRACE': -3, 'RPAR': -3, 'RSQB': -3},
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
    {'disj': 39, 'expr': 40, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {},
    {},
    {'__body_star_2': 51, '_simple': 52, '_stmt': 53, 'assign': 54, 'disj': 39, 'expr': 55, 'expr_stmt': 56, 'for_stmt': 57, 'if_stmt': 58, 'operand': 41, 'output_list': 59, 'output_stmt': 60, 'postfix': 42, 'return_stmt': 61, 'share_stmt': 62},
    {'param': 65},
    {},
    {'body': 66},
    {},
    {'body': 67},
    {'operand': 68, 'postfix': 42},
    {'disj': 39, 'expr': 70, 'operand': 41, 'pair': 71, 'postfix': 42},
    {},
    {},
    {'disj': 39, 'expr': 73, 'operand': 41, 'postfix': 42},
    {'disj': 39, 'expr': 75, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'operand': 76, 'postfix': 42},
    {},
    {},
    {},
    {},
    {},
    {'__disj_star_6': 83, '_binop': 84},
    {},
    {'target_item': 91, 'target_list': 92},
    {'disj': 39, 'expr': 93, 'operand': 41, 'postfix': 42},
    {'__assign_star_3': 96},
    {},
    {},
    {'disj': 39, 'expr': 98, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'_simple': 52, '_stmt': 102, 'assign': 54, 'disj': 39, 'expr': 55, 'expr_stmt': 56, 'for_stmt': 57, 'if_stmt': 58, 'operand': 41, 'output_list': 59, 'output_stmt': 60, 'postfix': 42, 'return_stmt': 61, 'share_stmt': 62},
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
    {'__params_star_1': 107},
    {},
    {},
    {},
    {},
    {},
    {'__postfix_star_7': 111},
    {},
    {},
    {},
    {'__postfix_plus_8': 117, '__return_stmt_star_4': 118, 'comp_for': 119},
    {},
    {'disj': 120, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {},
    {},
    {'_binop': 121},
    {'operand': 122, 'postfix': 42},
    {},
    {'arg': 126, 'args': 127, 'disj': 39, 'expr': 128, 'operand': 41, 'postfix': 42},
    {'_sub_item': 131, 'disj': 39, 'expr': 132, 'operand': 41, 'postfix': 42, 'slice': 133, 'subscript': 134},
    {'operand': 135, 'postfix': 42},
    {'target_item': 91, 'target_list': 136},
    {},
    {'__target_list_plus_5': 138},
    {},
    {'body': 140},
    {},
    {'disj': 39, 'expr': 142, 'operand': 41, 'postfix': 42},
    {},
    {'__assign_star_3': 146},
    {'__return_stmt_star_4': 148},
    {},
    {},
    {},
    {},
    {},
    {'disj': 39, 'expr': 150, 'operand': 41, 'postfix': 42},
    {'param': 152},
    {},
    {},
    {'disj': 39, 'expr': 155, 'operand': 41, 'postfix': 42},
    {'disj': 39, 'expr': 157, 'operand': 41, 'pair': 158, 'postfix': 42},
    {},
    {},
    {'disj': 39, 'expr': 162, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 39, 'expr': 164, 'operand': 41, 'postfix': 42},
    {'target_item': 91, 'target_list': 165},
    {},
    {'comp_for': 167},
    {},
    {},
    {},
    {'operand': 171, 'postfix': 42},
    {},
    {},
    {},
    {},
    {'__args_star_9': 174},
    {},
    {'__postfix_plus_8': 176, 'comp_for': 119},
    {'disj': 39, 'expr': 178, 'operand': 41, 'postfix': 42},
    {},
    {'__subscript_plus_11': 180},
    {},
    {},
    {},
    {},
    {},
    {'target_item': 184},
    {},
    {'disj': 39, 'expr': 186, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {},
    {'disj': 39, 'expr': 189, 'operand': 41, 'postfix': 42},
    {'disj': 39, 'expr': 190, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 39, 'expr': 164, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 39, 'expr': 192, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {'param': 194},
    {},
    {'__postfix_plus_8': 195, 'comp_for': 119},
    {},
    {},
    {},
    {'disj': 39, 'expr': 157, 'operand': 41, 'pair': 198, 'postfix': 42},
    {},
    {},
    {'__return_stmt_star_4': 201},
    {},
    {},
    {},
    {},
    {},
    {'disj': 39, 'expr': 204, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 39, 'expr': 205, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 39, 'expr': 206, 'operand': 41, 'postfix': 42},
    {'arg': 207, 'disj': 39, 'expr': 208, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'comp_for': 167},
    {'disj': 39, 'expr': 211, 'operand': 41, 'postfix': 42},
    {},
    {'_sub_item': 213, 'disj': 39, 'expr': 132, 'operand': 41, 'postfix': 42, 'slice': 133},
    {},
    {'disj': 39, 'expr': 216, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {'target_item': 217},
    {'body': 218},
    {'body': 219, 'if_stmt': 220},
    {},
    {},
    {},
    {'disj': 39, 'expr': 204, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {'comp_for': 167},
    {'disj': 39, 'expr': 222, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'disj': 39, 'expr': 164, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'disj': 226, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {},
    {},
    {},
    {'arg': 227, 'disj': 39, 'expr': 208, 'operand': 41, 'postfix': 42},
    {},
    {},
    {'disj': 39, 'expr': 228, 'operand': 41, 'postfix': 42},
    {},
    {'_sub_item': 229, 'disj': 39, 'expr': 132, 'operand': 41, 'postfix': 42, 'slice': 133},
    {'disj': 39, 'expr': 230, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {'disj': 39, 'expr': 204, 'operand': 41, 'postfix': 42},
    {},
    {'__comp_for_star_10': 234},
    {},
    {},
    {},
    {},
    {'disj': 39, 'expr': 235, 'operand': 41, 'postfix': 42},
    {},
    {'disj': 236, 'operand': 41, 'postfix': 42},
    {},
    {},
    {},
    {'disj': 238, 'operand': 41, 'postfix': 42},
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
    cb19 = callback('target_tuple')
    cb20 = callback('target_name')
    cb21 = callback('target_item')
    cb22 = callback('ifexp')
    cb23 = callback('binexpr')
    cb24 = callback('_binop')
    cb25 = callback('not_prefix')
    cb26 = callback('unary')
    cb27 = callback('pow_op')
    cb28 = callback('name')
    cb29 = callback('number')
    cb30 = callback('string')
    cb31 = callback('fstring')
    cb32 = callback('true')
    cb33 = callback('false')
    cb34 = callback('none')
    cb35 = callback('paren')
    cb36 = callback('tuple')
    cb37 = callback('list')
    cb38 = callback('listcomp')
    cb39 = callback('dict')
    cb40 = callback('dictcomp')
    cb41 = callback('call')
    cb42 = callback('call_genexp')
    cb43 = callback('index')
    cb44 = callback('attr')
    cb45 = callback('args')
    cb46 = callback('kw_arg')
    cb47 = callback('pair')
    cb48 = callback('comp_for')
    cb49 = callback('subscript')
    cb50 = callback('sub_tuple')
    cb51 = callback('_sub_item')
    cb52 = callback('slice')
    cb53 = callback('slice_step')
    cb54 = callback('__module_star_0')
    cb55 = callback('__params_star_1')
    cb56 = callback('__body_star_2')
    cb57 = callback('__assign_star_3')
    cb58 = callback('__return_stmt_star_4')
    cb59 = callback('__target_list_plus_5')
    cb60 = callback('__disj_star_6')
    cb61 = callback('__postfix_star_7')
    cb62 = callback('__postfix_plus_8')
    cb63 = callback('__args_star_9')
    cb64 = callback('__comp_for_star_10')
    cb65 = callback('__subscript_plus_11')

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

    def r39(v):  # <for_stmt : FOR target_list IN expr body>
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

    def r44(v):  # <target_list : target_item COMMA>
        c = [v[-2]]
        del v[-2:]
        return cb19(c)

    def r45(v):  # <target_list : target_item __target_list_plus_5 COMMA>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb19(c)

    def r46(v):  # <target_list : target_item __target_list_plus_5>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb19(c)

    def r47(v):  # <target_item : NAME>
        c = [v.pop()]
        return cb20(c)

    def r48(v):  # <target_item : LPAR target_list RPAR>
        c = [v[-2]]
        del v[-3:]
        return c[0] if len(c) == 1 else cb21(c)

    def r50(v):  # <expr : disj IF disj ELSE expr>
        c = [v[-5], v[-3], v[-1]]
        del v[-5:]
        return cb22(c)

    def r51(v):  # <disj : operand __disj_star_6>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb23(c)

    def r52(v):  # <disj : operand>
        c = [v.pop()]
        return cb23(c)

    def r53(v):  # <_binop : ADD_OP>
        c = [v.pop()]
        return cb24(c)

    def r54(v):  # <_binop : MUL_OP>
        c = [v.pop()]
        return cb24(c)

    def r55(v):  # <_binop : COMP_OP>
        c = [v.pop()]
        return cb24(c)

    def r56(v):  # <_binop : AND>
        c = [v.pop()]
        return cb24(c)

    def r57(v):  # <_binop : OR>
        c = [v.pop()]
        return cb24(c)

    def r58(v):  # <operand : NOT operand>
        c = v[-2:]
        del v[-2:]
        return cb25(c)

    def r59(v):  # <operand : ADD_OP operand>
        c = v[-2:]
        del v[-2:]
        return cb26(c)

    def r60(v):  # <operand : postfix POW operand>
        c = v[-3:]
        del v[-3:]
        return cb27(c)

    def r62(v):  # <postfix : NAME>
        c = [v.pop()]
        return cb28(c)

    def r63(v):  # <postfix : NUMBER>
        c = [v.pop()]
        return cb29(c)

    def r64(v):  # <postfix : STRING>
        c = [v.pop()]
        return cb30(c)

    def r65(v):  # <postfix : FSTRING>
        c = [v.pop()]
        return cb31(c)

    def r66(v):  # <postfix : TRUE>
        c = [v.pop()]
        return cb32(c)

    def r67(v):  # <postfix : FALSE>
        c = [v.pop()]
        return cb33(c)

    def r68(v):  # <postfix : NONE>
        c = [v.pop()]
        return cb34(c)

    def r69(v):  # <postfix : LPAR expr RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb35(c)

    def r70(v):  # <postfix : LPAR RPAR>
        c = []
        del v[-2:]
        return cb36(c)

    def r71(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 COMMA RPAR>
        c = [v[-6], v[-4]]
        c += v[-3].children
        del v[-7:]
        return cb36(c)

    def r72(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 RPAR>
        c = [v[-5], v[-3]]
        c += v[-2].children
        del v[-6:]
        return cb36(c)

    def r73(v):  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        c = [v[-5], v[-3]]
        del v[-6:]
        return cb36(c)

    def r74(v):  # <postfix : LPAR expr COMMA expr RPAR>
        c = [v[-4], v[-2]]
        del v[-5:]
        return cb36(c)

    def r75(v):  # <postfix : LPAR expr COMMA RPAR>
        c = [v[-3], None]
        del v[-4:]
        return cb36(c)

    def r76(v):  # <postfix : LSQB expr __return_stmt_star_4 COMMA RSQB>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb37(c)

    def r77(v):  # <postfix : LSQB expr __return_stmt_star_4 RSQB>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb37(c)

    def r78(v):  # <postfix : LSQB expr COMMA RSQB>
        c = [v[-3]]
        del v[-4:]
        return cb37(c)

    def r79(v):  # <postfix : LSQB expr RSQB>
        c = [v[-2]]
        del v[-3:]
        return cb37(c)

    def r80(v):  # <postfix : LSQB RSQB>
        c = [None]
        del v[-2:]
        return cb37(c)

    def r81(v):  # <postfix : LSQB expr __postfix_plus_8 RSQB>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb38(c)

    def r82(v):  # <postfix : DICT_LBRACE pair __postfix_star_7 COMMA RBRACE>
        c = [v[-5], v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb39(c)

    def r83(v):  # <postfix : DICT_LBRACE pair __postfix_star_7 RBRACE>
        c = [v[-4], v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb39(c)

    def r84(v):  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        c = [v[-4], v[-3]]
        del v[-4:]
        return cb39(c)

    def r85(v):  # <postfix : DICT_LBRACE pair RBRACE>
        c = [v[-3], v[-2]]
        del v[-3:]
        return cb39(c)

    def r86(v):  # <postfix : DICT_LBRACE RBRACE>
        c = [v[-2], None]
        del v[-2:]
        return cb39(c)

    def r87(v):  # <postfix : DICT_LBRACE expr COLON expr __postfix_plus_8 RBRACE>
        c = [v[-6], v[-5], v[-3]]
        c += v[-2].children
        del v[-6:]
        return cb40(c)

    def r88(v):  # <postfix : postfix LPAR args RPAR>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb41(c)

    def r89(v):  # <postfix : postfix LPAR RPAR>
        c = [v[-3], None]
        del v[-3:]
        return cb41(c)

    def r90(v):  # <postfix : postfix LPAR expr __postfix_plus_8 RPAR>
        c = [v[-5], v[-3]]
        c += v[-2].children
        del v[-5:]
        return cb42(c)

    def r91(v):  # <postfix : postfix LSQB subscript RSQB>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb43(c)

    def r92(v):  # <postfix : postfix DOT NAME>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb44(c)

    def r93(v):  # <args : arg __args_star_9 COMMA>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb45(c)

    def r94(v):  # <args : arg __args_star_9>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb45(c)

    def r95(v):  # <args : arg COMMA>
        c = [v[-2]]
        del v[-2:]
        return cb45(c)

    def r96(v):  # <args : arg>
        c = [v.pop()]
        return cb45(c)

    def r98(v):  # <arg : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb46(c)

    def r99(v):  # <pair : expr COLON expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb47(c)

    def r100(v):  # <comp_for : FOR target_list IN disj __comp_for_star_10>
        c = [v[-4], v[-2]]
        c += v[-1].children
        del v[-5:]
        return cb48(c)

    def r101(v):  # <comp_for : FOR target_list IN disj>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb48(c)

    def r102(v):  # <subscript : _sub_item>
        c = v[-1].children
        del v[-1:]
        return c[0] if len(c) == 1 else cb49(c)

    def r103(v):  # <subscript : _sub_item COMMA>
        c = v[-2].children
        del v[-2:]
        return cb50(c)

    def r104(v):  # <subscript : _sub_item __subscript_plus_11 COMMA>
        c = v[-3].children
        c += v[-2].children
        del v[-3:]
        return cb50(c)

    def r105(v):  # <subscript : _sub_item __subscript_plus_11>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb50(c)

    def r106(v):  # <_sub_item : expr>
        c = [v.pop()]
        return cb51(c)

    def r107(v):  # <_sub_item : slice>
        c = [v.pop()]
        return cb51(c)

    def r108(v):  # <_sub_item : ELLIPSIS>
        c = [v.pop()]
        return cb51(c)

    def r109(v):  # <slice : expr COLON expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb52(c)

    def r110(v):  # <slice : expr COLON>
        c = [v[-2], None]
        del v[-2:]
        return cb52(c)

    def r111(v):  # <slice : COLON expr>
        c = [None, v[-1]]
        del v[-2:]
        return cb52(c)

    def r112(v):  # <slice : COLON>
        c = [None, None]
        del v[-1:]
        return cb52(c)

    def r113(v):  # <slice : expr COLON expr COLON expr>
        c = [v[-5], v[-3], v[-1]]
        del v[-5:]
        return cb53(c)

    def r114(v):  # <slice : expr COLON expr COLON>
        c = [v[-4], v[-2], None]
        del v[-4:]
        return cb53(c)

    def r115(v):  # <slice : expr COLON COLON expr>
        c = [v[-4], None, v[-1]]
        del v[-4:]
        return cb53(c)

    def r116(v):  # <slice : expr COLON COLON>
        c = [v[-3], None, None]
        del v[-3:]
        return cb53(c)

    def r117(v):  # <slice : COLON expr COLON expr>
        c = [None, v[-3], v[-1]]
        del v[-4:]
        return cb53(c)

    def r118(v):  # <slice : COLON expr COLON>
        c = [None, v[-2], None]
        del v[-3:]
        return cb53(c)

    def r119(v):  # <slice : COLON COLON expr>
        c = [None, None, v[-1]]
        del v[-3:]
        return cb53(c)

    def r120(v):  # <slice : COLON COLON>
        c = [None, None, None]
        del v[-2:]
        return cb53(c)

    def r121(v):  # <__module_star_0 : _NL>
        c = []
        del v[-1:]
        return cb54(c)

    def r122(v):  # <__module_star_0 : _top>
        c = v[-1].children
        del v[-1:]
        return cb54(c)

    def r123(v):  # <__module_star_0 : __module_star_0 _NL>
        c = v[-2].children
        del v[-2:]
        return cb54(c)

    def r124(v):  # <__module_star_0 : __module_star_0 _top>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb54(c)

    def r125(v):  # <__params_star_1 : COMMA param>
        c = [v[-1]]
        del v[-2:]
        return cb55(c)

    def r126(v):  # <__params_star_1 : __params_star_1 COMMA param>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb55(c)

    def r127(v):  # <__body_star_2 : _NL>
        c = []
        del v[-1:]
        return cb56(c)

    def r128(v):  # <__body_star_2 : _stmt>
        c = v[-1].children
        del v[-1:]
        return cb56(c)

    def r129(v):  # <__body_star_2 : __body_star_2 _NL>
        c = v[-2].children
        del v[-2:]
        return cb56(c)

    def r130(v):  # <__body_star_2 : __body_star_2 _stmt>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb56(c)

    def r131(v):  # <__assign_star_3 : COMMA NAME>
        c = [v[-1]]
        del v[-2:]
        return cb57(c)

    def r132(v):  # <__assign_star_3 : __assign_star_3 COMMA NAME>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb57(c)

    def r133(v):  # <__return_stmt_star_4 : COMMA expr>
        c = [v[-1]]
        del v[-2:]
        return cb58(c)

    def r134(v):  # <__return_stmt_star_4 : __return_stmt_star_4 COMMA expr>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb58(c)

    def r135(v):  # <__target_list_plus_5 : COMMA target_item>
        c = [v[-1]]
        del v[-2:]
        return cb59(c)

    def r136(v):  # <__target_list_plus_5 : __target_list_plus_5 COMMA target_item>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb59(c)

    def r137(v):  # <__disj_star_6 : _binop operand>
        c = v[-2].children
        c += [v[-1]]
        del v[-2:]
        return cb60(c)

    def r138(v):  # <__disj_star_6 : __disj_star_6 _binop operand>
        c = v[-3].children
        c += v[-2].children
        c += [v[-1]]
        del v[-3:]
        return cb60(c)

    def r139(v):  # <__postfix_star_7 : COMMA pair>
        c = [v[-1]]
        del v[-2:]
        return cb61(c)

    def r140(v):  # <__postfix_star_7 : __postfix_star_7 COMMA pair>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb61(c)

    def r141(v):  # <__postfix_plus_8 : comp_for>
        c = [v.pop()]
        return cb62(c)

    def r142(v):  # <__postfix_plus_8 : __postfix_plus_8 comp_for>
        c = v[-2].children
        c += [v[-1]]
        del v[-2:]
        return cb62(c)

    def r143(v):  # <__args_star_9 : COMMA arg>
        c = [v[-1]]
        del v[-2:]
        return cb63(c)

    def r144(v):  # <__args_star_9 : __args_star_9 COMMA arg>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb63(c)

    def r145(v):  # <__comp_for_star_10 : IF disj>
        c = [v[-1]]
        del v[-2:]
        return cb64(c)

    def r146(v):  # <__comp_for_star_10 : __comp_for_star_10 IF disj>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb64(c)

    def r147(v):  # <__subscript_plus_11 : COMMA _sub_item>
        c = v[-1].children
        del v[-2:]
        return cb65(c)

    def r148(v):  # <__subscript_plus_11 : __subscript_plus_11 COMMA _sub_item>
        c = v[-3].children
        c += v[-1].children
        del v[-3:]
        return cb65(c)

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
        (5, 'for_stmt', r39),  # <for_stmt : FOR target_list IN expr body>
        (5, 'if_stmt', r40),  # <if_stmt : IF expr body ELSE body>
        (5, 'if_stmt', r41),  # <if_stmt : IF expr body ELSE if_stmt>
        (3, 'if_stmt', r42),  # <if_stmt : IF expr body>
        (1, 'target_list', None),  # <target_list : target_item>
        (2, 'target_list', r44),  # <target_list : target_item COMMA>
        (3, 'target_list', r45),  # <target_list : target_item __target_list_plus_5 COMMA>
        (2, 'target_list', r46),  # <target_list : target_item __target_list_plus_5>
        (1, 'target_item', r47),  # <target_item : NAME>
        (3, 'target_item', r48),  # <target_item : LPAR target_list RPAR>
        (1, 'expr', None),  # <expr : disj>
        (5, 'expr', r50),  # <expr : disj IF disj ELSE expr>
        (2, 'disj', r51),  # <disj : operand __disj_star_6>
        (1, 'disj', r52),  # <disj : operand>
        (1, '_binop', r53),  # <_binop : ADD_OP>
        (1, '_binop', r54),  # <_binop : MUL_OP>
        (1, '_binop', r55),  # <_binop : COMP_OP>
        (1, '_binop', r56),  # <_binop : AND>
        (1, '_binop', r57),  # <_binop : OR>
        (2, 'operand', r58),  # <operand : NOT operand>
        (2, 'operand', r59),  # <operand : ADD_OP operand>
        (3, 'operand', r60),  # <operand : postfix POW operand>
        (1, 'operand', None),  # <operand : postfix>
        (1, 'postfix', r62),  # <postfix : NAME>
        (1, 'postfix', r63),  # <postfix : NUMBER>
        (1, 'postfix', r64),  # <postfix : STRING>
        (1, 'postfix', r65),  # <postfix : FSTRING>
        (1, 'postfix', r66),  # <postfix : TRUE>
        (1, 'postfix', r67),  # <postfix : FALSE>
        (1, 'postfix', r68),  # <postfix : NONE>
        (3, 'postfix', r69),  # <postfix : LPAR expr RPAR>
        (2, 'postfix', r70),  # <postfix : LPAR RPAR>
        (7, 'postfix', r71),  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 COMMA RPAR>
        (6, 'postfix', r72),  # <postfix : LPAR expr COMMA expr __return_stmt_star_4 RPAR>
        (6, 'postfix', r73),  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        (5, 'postfix', r74),  # <postfix : LPAR expr COMMA expr RPAR>
        (4, 'postfix', r75),  # <postfix : LPAR expr COMMA RPAR>
        (5, 'postfix', r76),  # <postfix : LSQB expr __return_stmt_star_4 COMMA RSQB>
        (4, 'postfix', r77),  # <postfix : LSQB expr __return_stmt_star_4 RSQB>
        (4, 'postfix', r78),  # <postfix : LSQB expr COMMA RSQB>
        (3, 'postfix', r79),  # <postfix : LSQB expr RSQB>
        (2, 'postfix', r80),  # <postfix : LSQB RSQB>
        (4, 'postfix', r81),  # <postfix : LSQB expr __postfix_plus_8 RSQB>
        (5, 'postfix', r82),  # <postfix : DICT_LBRACE pair __postfix_star_7 COMMA RBRACE>
        (4, 'postfix', r83),  # <postfix : DICT_LBRACE pair __postfix_star_7 RBRACE>
        (4, 'postfix', r84),  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        (3, 'postfix', r85),  # <postfix : DICT_LBRACE pair RBRACE>
        (2, 'postfix', r86),  # <postfix : DICT_LBRACE RBRACE>
        (6, 'postfix', r87),  # <postfix : DICT_LBRACE expr COLON expr __postfix_plus_8 RBRACE>
        (4, 'postfix', r88),  # <postfix : postfix LPAR args RPAR>
        (3, 'postfix', r89),  # <postfix : postfix LPAR RPAR>
        (5, 'postfix', r90),  # <postfix : postfix LPAR expr __postfix_plus_8 RPAR>
        (4, 'postfix', r91),  # <postfix : postfix LSQB subscript RSQB>
        (3, 'postfix', r92),  # <postfix : postfix DOT NAME>
        (3, 'args', r93),  # <args : arg __args_star_9 COMMA>
        (2, 'args', r94),  # <args : arg __args_star_9>
        (2, 'args', r95),  # <args : arg COMMA>
        (1, 'args', r96),  # <args : arg>
        (1, 'arg', None),  # <arg : expr>
        (3, 'arg', r98),  # <arg : NAME EQUAL expr>
        (3, 'pair', r99),  # <pair : expr COLON expr>
        (5, 'comp_for', r100),  # <comp_for : FOR target_list IN disj __comp_for_star_10>
        (4, 'comp_for', r101),  # <comp_for : FOR target_list IN disj>
        (1, 'subscript', r102),  # <subscript : _sub_item>
        (2, 'subscript', r103),  # <subscript : _sub_item COMMA>
        (3, 'subscript', r104),  # <subscript : _sub_item __subscript_plus_11 COMMA>
        (2, 'subscript', r105),  # <subscript : _sub_item __subscript_plus_11>
        (1, '_sub_item', r106),  # <_sub_item : expr>
        (1, '_sub_item', r107),  # <_sub_item : slice>
        (1, '_sub_item', r108),  # <_sub_item : ELLIPSIS>
        (3, 'slice', r109),  # <slice : expr COLON expr>
        (2, 'slice', r110),  # <slice : expr COLON>
        (2, 'slice', r111),  # <slice : COLON expr>
        (1, 'slice', r112),  # <slice : COLON>
        (5, 'slice', r113),  # <slice : expr COLON expr COLON expr>
        (4, 'slice', r114),  # <slice : expr COLON expr COLON>
        (4, 'slice', r115),  # <slice : expr COLON COLON expr>
        (3, 'slice', r116),  # <slice : expr COLON COLON>
        (4, 'slice', r117),  # <slice : COLON expr COLON expr>
        (3, 'slice', r118),  # <slice : COLON expr COLON>
        (3, 'slice', r119),  # <slice : COLON COLON expr>
        (2, 'slice', r120),  # <slice : COLON COLON>
        (1, '__module_star_0', r121),  # <__module_star_0 : _NL>
        (1, '__module_star_0', r122),  # <__module_star_0 : _top>
        (2, '__module_star_0', r123),  # <__module_star_0 : __module_star_0 _NL>
        (2, '__module_star_0', r124),  # <__module_star_0 : __module_star_0 _top>
        (2, '__params_star_1', r125),  # <__params_star_1 : COMMA param>
        (3, '__params_star_1', r126),  # <__params_star_1 : __params_star_1 COMMA param>
        (1, '__body_star_2', r127),  # <__body_star_2 : _NL>
        (1, '__body_star_2', r128),  # <__body_star_2 : _stmt>
        (2, '__body_star_2', r129),  # <__body_star_2 : __body_star_2 _NL>
        (2, '__body_star_2', r130),  # <__body_star_2 : __body_star_2 _stmt>
        (2, '__assign_star_3', r131),  # <__assign_star_3 : COMMA NAME>
        (3, '__assign_star_3', r132),  # <__assign_star_3 : __assign_star_3 COMMA NAME>
        (2, '__return_stmt_star_4', r133),  # <__return_stmt_star_4 : COMMA expr>
        (3, '__return_stmt_star_4', r134),  # <__return_stmt_star_4 : __return_stmt_star_4 COMMA expr>
        (2, '__target_list_plus_5', r135),  # <__target_list_plus_5 : COMMA target_item>
        (3, '__target_list_plus_5', r136),  # <__target_list_plus_5 : __target_list_plus_5 COMMA target_item>
        (2, '__disj_star_6', r137),  # <__disj_star_6 : _binop operand>
        (3, '__disj_star_6', r138),  # <__disj_star_6 : __disj_star_6 _binop operand>
        (2, '__postfix_star_7', r139),  # <__postfix_star_7 : COMMA pair>
        (3, '__postfix_star_7', r140),  # <__postfix_star_7 : __postfix_star_7 COMMA pair>
        (1, '__postfix_plus_8', r141),  # <__postfix_plus_8 : comp_for>
        (2, '__postfix_plus_8', r142),  # <__postfix_plus_8 : __postfix_plus_8 comp_for>
        (2, '__args_star_9', r143),  # <__args_star_9 : COMMA arg>
        (3, '__args_star_9', r144),  # <__args_star_9 : __args_star_9 COMMA arg>
        (2, '__comp_for_star_10', r145),  # <__comp_for_star_10 : IF disj>
        (3, '__comp_for_star_10', r146),  # <__comp_for_star_10 : __comp_for_star_10 IF disj>
        (2, '__subscript_plus_11', r147),  # <__subscript_plus_11 : COMMA _sub_item>
        (3, '__subscript_plus_11', r148),  # <__subscript_plus_11 : __subscript_plus_11 COMMA _sub_item>
    )
