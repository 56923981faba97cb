"""GDL parser tables, generated from gdl.lark by graphc/grammar/generate.py: do not edit.

Regenerate with `make parser` (python -m graphc.grammar.generate); tests/test_parser.py
fails when this file is stale."""

# ruff: noqa
# fmt: off
GRAMMAR = '// GDL grammar (LALR(1)); the language reference is docs/language.md.\n// Newlines are statement separators.  The token post-processor in\n// graphc/compiler/parse.py (1) drops newlines inside (), [] and dict {},\n// (2) drops newlines just before `else`, (3) re-types a `{` that opens a dict\n// literal as DICT_LBRACE and a `;` between statements as a newline, and\n// (4) ends every statement before a block\'s `}` and at the end of the file\n// with a newline, so every simple statement is terminated by a separator.\n\nmodule: (_NL | _top)*\n\n_top: use_stmt _NL | const_stmt _NL | block_def | model_def | extern_def\n\nuse_stmt: "use" STRING\nconst_stmt: NAME "=" expr\n\nblock_def: "block" NAME params? body\nmodel_def: "model" NAME params? body\nparams: "(" [param ("," param)* ","?] ")"\nparam: NAME ("=" expr)?\n\nbody: LBRACE (_NL | _stmt)* "}"\n\n// `extern layer|loss|metric Name(arg: type = default, ...) { field = "..."  rule(x) = expr }`:\n// a class of the user\'s Python package (docs/extern.md); the kind is a NAME checked by the builder\nextern_def: "extern" NAME NAME ext_params? ext_body\next_params: "(" [ext_param ("," ext_param)* ","?] ")"\next_param: NAME (":" NAME)? ("=" expr)?\next_body: LBRACE (_NL | _ext_item _NL)* "}"\n_ext_item: ext_field | ext_rule | ext_call\next_field: NAME "=" expr\next_rule: NAME ext_params "=" expr\next_call: NAME ext_params\n\n_stmt: _simple _NL | for_stmt | if_stmt\n_simple: assign | share_stmt | output_stmt | output_list | return_stmt | expr_stmt\n\nassign: NAME ("," NAME)* "=" expr\nshare_stmt: "share" NAME "=" expr\noutput_stmt: "output" NAME "=" expr\noutput_list: "output" NAME ("," NAME)*\nreturn_stmt: "return" expr ("," expr)*\nexpr_stmt: expr\nfor_stmt: "for" target_list "in" expr body\nif_stmt: "if" expr body ("else" (body | if_stmt))?\n\n// `for` targets: names, unpacked as in Python (`for i, (a, b) in ...`)\n?target_list: target_item\n            | target_item ","                 -> target_tuple\n            | target_item ("," target_item)+ ","? -> target_tuple\n?target_item: NAME                            -> target_name\n            | "(" target_list ")"\n\n// A conditional expression is the loosest expression (`a if c else b`); the\n// iterable and the filters of a comprehension are disjunctions (as in Python),\n// so the `if` after them starts a filter.\n?expr: disj\n     | disj "if" disj "else" expr             -> ifexp\n// Binary operators are parsed flat and arranged by precedence in parse.py\n// (fewer LALR reductions per operand than one rule per precedence level).\n?disj: operand (_binop operand)*              -> binexpr\n_binop: ADD_OP | MUL_OP | COMP_OP | AND | OR\n?operand: NOT operand                         -> not_prefix\n        | ADD_OP operand                      -> unary\n        | postfix POW operand                 -> pow_op\n        | postfix\n?postfix: NAME                                -> name\n        | NUMBER                              -> number\n        | STRING                              -> string\n        | FSTRING                             -> fstring\n        | TRUE                                -> true\n        | FALSE                               -> false\n        | NONE                                -> none\n        | "(" expr ")"                        -> paren\n        | "(" ")"                             -> tuple\n        | "(" expr "," [expr ("," expr)* ","?] ")" -> tuple\n        | "[" [expr ("," expr)* ","?] "]"     -> list\n        | "[" expr comp_for+ "]"              -> listcomp\n        | DICT_LBRACE [pair ("," pair)* ","?] "}" -> dict\n        | DICT_LBRACE expr ":" expr comp_for+ "}" -> dictcomp\n        | postfix "(" [args] ")"              -> call\n        | postfix "(" expr comp_for+ ")"      -> call_genexp\n        | postfix "[" subscript "]"           -> index\n        | postfix "." NAME                    -> attr\nargs: arg ("," arg)* ","?\n?arg: expr\n    | NAME "=" expr                           -> kw_arg\npair: expr ":" expr\ncomp_for: "for" target_list "in" disj ("if" disj)*\n\n// Subscripts: `x[i]`, `x[a:b:c]`, `x[..., None, :16]` (several items make a tuple)\n?subscript: _sub_item\n          | _sub_item ","                     -> sub_tuple\n          | _sub_item ("," _sub_item)+ ","?   -> sub_tuple\n_sub_item: expr | slice | ELLIPSIS\nslice: [expr] ":" [expr]\n     | [expr] ":" [expr] ":" [expr]           -> slice_step\n\n\nTRUE.2: "true" | "True"\nFALSE.2: "false" | "False"\nNONE.2: "None"\nNAME: /[A-Za-z_][A-Za-z0-9_]*/\nNUMBER: /(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?/\n// strings: an unrolled loop, not `("[^"\\\\\\n]" | escape)*`: Python\'s re keeps a frame per\n// character for a repeated alternation (a 10 MB string literal took 5 GB)\nSTRING: /"[^"\\\\\\n]*(?:\\\\.[^"\\\\\\n]*)*"/ | /\'[^\'\\\\\\n]*(?:\\\\.[^\'\\\\\\n]*)*\'/\nFSTRING: /[fF]"[^"\\\\\\n]*(?:\\\\.[^"\\\\\\n]*)*"/ | /[fF]\'[^\'\\\\\\n]*(?:\\\\.[^\'\\\\\\n]*)*\'/\nCOMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">"\nADD_OP: "+" | "-"\nMUL_OP: "//" | "*" | "/" | "%" | "@"\nPOW.2: "**"\nAND.2: "and"\nOR.2: "or"\nNOT.2: "not"\nLBRACE: "{"\nELLIPSIS: "..."\n%declare DICT_LBRACE SEMICOLON   // made by the lexer: a dict\'s `{`, and `;` (turned into a newline)\n_NL: /(\\r?\\n[\\t ]*)+/\nCOMMENT: /#[^\\n]*/\n\n%ignore COMMENT\n%ignore /[\\t \\f]+/\n%ignore /\\\\[\\t \\f]*\\r?\\n/\n'
START_STATE = 0
END_STATE = 13

# the lexer: one regex, keywords lexed as NAME and re-typed, ignored terminals
MASTER = '(?:(\r?\n[\t ]*)+)(?P<_NL>)|(?:#[^\n]*)(?P<COMMENT>)|(?:[\t \x0c]+)(?P<__IGNORE_1>)|(?:\\\\[\t \x0c]*\r?\n)(?P<__IGNORE_2>)|(?:(?:[fF]"[^"\\\\\n]*(?:\\\\.[^"\\\\\n]*)*"|[fF]\'[^\'\\\\\n]*(?:\\\\.[^\'\\\\\n]*)*\'))(?P<FSTRING>)|(?:[A-Za-z_][A-Za-z0-9_]*)(?P<NAME>)|(?:(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?)(?P<NUMBER>)|(?:(?:"[^"\\\\\n]*(?:\\\\.[^"\\\\\n]*)*"|\'[^\'\\\\\n]*(?:\\\\.[^\'\\\\\n]*)*\'))(?P<STRING>)|(?:\\.\\.\\.)(?P<ELLIPSIS>)|(?:\\*\\*)(?P<POW>)|(?:(?:==|!=|<=|>=|<|>))(?P<COMP_OP>)|(?:(?://|\\*|/|%|@))(?P<MUL_OP>)|(?:(?:\\+|\\-))(?P<ADD_OP>)|(?::)(?P<COLON>)|(?:,)(?P<COMMA>)|(?:\\.)(?P<DOT>)|(?:=)(?P<EQUAL>)|(?:\\{)(?P<LBRACE>)|(?:\\()(?P<LPAR>)|(?:\\[)(?P<LSQB>)|(?:\\})(?P<RBRACE>)|(?:\\))(?P<RPAR>)|(?:\\])(?P<RSQB>)|(?:;)(?P<SEMICOLON>)'
KEYWORDS = {'False': 'FALSE', 'None': 'NONE', 'True': 'TRUE', 'and': 'AND', 'block': 'BLOCK', 'else': 'ELSE', 'extern': 'EXTERN', 'false': 'FALSE', 'for': 'FOR', 'if': 'IF', 'in': 'IN', 'model': 'MODEL', 'not': 'NOT', 'or': 'OR', 'output': 'OUTPUT', 'return': 'RETURN', 'share': 'SHARE', 'true': 'TRUE', 'use': 'USE'}
IGNORE = ('COMMENT', '__IGNORE_1', '__IGNORE_2')
TERMINALS = ('ADD_OP', 'AND', 'BLOCK', 'COLON', 'COMMA', 'COMMENT', 'COMP_OP', 'DOT', 'ELLIPSIS', 'ELSE', 'EQUAL', 'EXTERN', 'FALSE', 'FOR', 'FSTRING', 'IF', 'IN', 'LBRACE', 'LPAR', 'LSQB', 'MODEL', 'MUL_OP', 'NAME', 'NONE', 'NOT', 'NUMBER', 'OR', 'OUTPUT', 'POW', 'RBRACE', 'RETURN', 'RPAR', 'RSQB', 'SHARE', 'STRING', 'TRUE', 'USE', '_NL', '__IGNORE_1', '__IGNORE_2')

# ACTION[state][terminal]: a shift to state n (n >= 0) or a reduce by RULES[n] (n < 0)
ACTION = (
    {'$END': -174, 'BLOCK': 1, 'EXTERN': 2, 'MODEL': 3, 'NAME': 4, 'USE': 5, '_NL': 6},
    {'NAME': 15},
    {'NAME': 16},
    {'NAME': 17},
    {'EQUAL': 18},
    {'STRING': 19},
    {'$END': -34, 'BLOCK': -34, 'EXTERN': -34, 'MODEL': -34, 'NAME': -34, 'USE': -34, '_NL': -34},
    {'$END': -175, 'BLOCK': 1, 'EXTERN': 2, 'MODEL': 3, 'NAME': 4, 'USE': 5, '_NL': 20},
    {'$END': -33, 'BLOCK': -33, 'EXTERN': -33, 'MODEL': -33, 'NAME': -33, 'USE': -33, '_NL': -33},
    {'$END': -171, 'BLOCK': -171, 'EXTERN': -171, 'MODEL': -171, 'NAME': -171, 'USE': -171, '_NL': -171},
    {'_NL': 22},
    {'$END': -169, 'BLOCK': -169, 'EXTERN': -169, 'MODEL': -169, 'NAME': -169, 'USE': -169, '_NL': -169},
    {'$END': -170, 'BLOCK': -170, 'EXTERN': -170, 'MODEL': -170, 'NAME': -170, 'USE': -170, '_NL': -170},
    {},
    {'_NL': 23},
    {'LBRACE': 24, 'LPAR': 25},
    {'NAME': 28},
    {'LBRACE': 24, 'LPAR': 25},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'_NL': -168},
    {'$END': -32, 'BLOCK': -32, 'EXTERN': -32, 'MODEL': -32, 'NAME': -32, 'USE': -32, '_NL': -32},
    {'$END': -31, 'BLOCK': -31, 'EXTERN': -31, 'MODEL': -31, 'NAME': -31, 'USE': -31, '_NL': -31},
    {'$END': -172, 'BLOCK': -172, 'EXTERN': -172, 'MODEL': -172, 'NAME': -172, 'USE': -172, '_NL': -172},
    {'$END': -173, 'BLOCK': -173, 'EXTERN': -173, 'MODEL': -173, 'NAME': -173, 'USE': -173, '_NL': -173},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FOR': 47, 'FSTRING': 34, 'IF': 48, 'LPAR': 35, 'LSQB': 36, 'NAME': 49, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'OUTPUT': 50, 'RBRACE': 51, 'RETURN': 52, 'SHARE': 53, 'STRING': 41, 'TRUE': 42, '_NL': 54},
    {'NAME': 67, 'RPAR': 68},
    {'$END': -165, 'BLOCK': -165, 'EXTERN': -165, 'MODEL': -165, 'NAME': -165, 'USE': -165, '_NL': -165},
    {'LBRACE': 24},
    {'LBRACE': 71, 'LPAR': 72},
    {'$END': -163, 'BLOCK': -163, 'EXTERN': -163, 'MODEL': -163, 'NAME': -163, 'USE': -163, '_NL': -163},
    {'LBRACE': 24},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RBRACE': 77, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -88, 'AND': -88, 'COLON': -88, 'COMMA': -88, 'COMP_OP': -88, 'DOT': -88, 'ELSE': -88, 'FOR': -88, 'IF': -88, 'LBRACE': -88, 'LPAR': -88, 'LSQB': -88, 'MUL_OP': -88, 'OR': -88, 'POW': -88, 'RBRACE': -88, 'RPAR': -88, 'RSQB': -88, '_NL': -88},
    {'ADD_OP': -90, 'AND': -90, 'COLON': -90, 'COMMA': -90, 'COMP_OP': -90, 'DOT': -90, 'ELSE': -90, 'FOR': -90, 'IF': -90, 'LBRACE': -90, 'LPAR': -90, 'LSQB': -90, 'MUL_OP': -90, 'OR': -90, 'POW': -90, 'RBRACE': -90, 'RPAR': -90, 'RSQB': -90, '_NL': -90},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': 80, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': 82, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -93, 'AND': -93, 'COLON': -93, 'COMMA': -93, 'COMP_OP': -93, 'DOT': -93, 'ELSE': -93, 'FOR': -93, 'IF': -93, 'LBRACE': -93, 'LPAR': -93, 'LSQB': -93, 'MUL_OP': -93, 'OR': -93, 'POW': -93, 'RBRACE': -93, 'RPAR': -93, 'RSQB': -93, '_NL': -93},
    {'ADD_OP': -87, 'AND': -87, 'COLON': -87, 'COMMA': -87, 'COMP_OP': -87, 'DOT': -87, 'ELSE': -87, 'FOR': -87, 'IF': -87, 'LBRACE': -87, 'LPAR': -87, 'LSQB': -87, 'MUL_OP': -87, 'OR': -87, 'POW': -87, 'RBRACE': -87, 'RPAR': -87, 'RSQB': -87, '_NL': -87},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -92, 'AND': -92, 'COLON': -92, 'COMMA': -92, 'COMP_OP': -92, 'DOT': -92, 'ELSE': -92, 'FOR': -92, 'IF': -92, 'LBRACE': -92, 'LPAR': -92, 'LSQB': -92, 'MUL_OP': -92, 'OR': -92, 'POW': -92, 'RBRACE': -92, 'RPAR': -92, 'RSQB': -92, '_NL': -92},
    {'ADD_OP': -91, 'AND': -91, 'COLON': -91, 'COMMA': -91, 'COMP_OP': -91, 'DOT': -91, 'ELSE': -91, 'FOR': -91, 'IF': -91, 'LBRACE': -91, 'LPAR': -91, 'LSQB': -91, 'MUL_OP': -91, 'OR': -91, 'POW': -91, 'RBRACE': -91, 'RPAR': -91, 'RSQB': -91, '_NL': -91},
    {'ADD_OP': -89, 'AND': -89, 'COLON': -89, 'COMMA': -89, 'COMP_OP': -89, 'DOT': -89, 'ELSE': -89, 'FOR': -89, 'IF': -89, 'LBRACE': -89, 'LPAR': -89, 'LSQB': -89, 'MUL_OP': -89, 'OR': -89, 'POW': -89, 'RBRACE': -89, 'RPAR': -89, 'RSQB': -89, '_NL': -89},
    {'COLON': -106, 'COMMA': -106, 'FOR': -106, 'IF': 85, 'LBRACE': -106, 'RBRACE': -106, 'RPAR': -106, 'RSQB': -106, '_NL': -106},
    {'_NL': -167},
    {'ADD_OP': 86, 'AND': 87, 'COLON': -103, 'COMMA': -103, 'COMP_OP': 88, 'ELSE': -103, 'FOR': -103, 'IF': -103, 'LBRACE': -103, 'MUL_OP': 89, 'OR': 90, 'RBRACE': -103, 'RPAR': -103, 'RSQB': -103, '_NL': -103},
    {'ADD_OP': -94, 'AND': -94, 'COLON': -94, 'COMMA': -94, 'COMP_OP': -94, 'DOT': 93, 'ELSE': -94, 'FOR': -94, 'IF': -94, 'LBRACE': -94, 'LPAR': 94, 'LSQB': 95, 'MUL_OP': -94, 'OR': -94, 'POW': 96, 'RBRACE': -94, 'RPAR': -94, 'RSQB': -94, '_NL': -94},
    {'LPAR': 97, 'NAME': 98},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -93, 'AND': -93, 'COMMA': 102, 'COMP_OP': -93, 'DOT': -93, 'EQUAL': 103, 'IF': -93, 'LPAR': -93, 'LSQB': -93, 'MUL_OP': -93, 'OR': -93, 'POW': -93, '_NL': -93},
    {'NAME': 105},
    {'$END': -154, 'ADD_OP': -154, 'BLOCK': -154, 'DICT_LBRACE': -154, 'ELSE': -154, 'EXTERN': -154, 'FALSE': -154, 'FOR': -154, 'FSTRING': -154, 'IF': -154, 'LPAR': -154, 'LSQB': -154, 'MODEL': -154, 'NAME': -154, 'NONE': -154, 'NOT': -154, 'NUMBER': -154, 'OUTPUT': -154, 'RBRACE': -154, 'RETURN': -154, 'SHARE': -154, 'STRING': -154, 'TRUE': -154, 'USE': -154, '_NL': -154},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'NAME': 107},
    {'ADD_OP': -28, 'DICT_LBRACE': -28, 'FALSE': -28, 'FOR': -28, 'FSTRING': -28, 'IF': -28, 'LPAR': -28, 'LSQB': -28, 'NAME': -28, 'NONE': -28, 'NOT': -28, 'NUMBER': -28, 'OUTPUT': -28, 'RBRACE': -28, 'RETURN': -28, 'SHARE': -28, 'STRING': -28, 'TRUE': -28, '_NL': -28},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FOR': 47, 'FSTRING': 34, 'IF': 48, 'LPAR': 35, 'LSQB': 36, 'NAME': 49, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'OUTPUT': 50, 'RBRACE': 108, 'RETURN': 52, 'SHARE': 53, 'STRING': 41, 'TRUE': 42, '_NL': 109},
    {'_NL': 111},
    {'ADD_OP': -27, 'DICT_LBRACE': -27, 'FALSE': -27, 'FOR': -27, 'FSTRING': -27, 'IF': -27, 'LPAR': -27, 'LSQB': -27, 'NAME': -27, 'NONE': -27, 'NOT': -27, 'NUMBER': -27, 'OUTPUT': -27, 'RBRACE': -27, 'RETURN': -27, 'SHARE': -27, 'STRING': -27, 'TRUE': -27, '_NL': -27},
    {'_NL': -131},
    {'_NL': -117},
    {'_NL': -126},
    {'ADD_OP': -133, 'DICT_LBRACE': -133, 'FALSE': -133, 'FOR': -133, 'FSTRING': -133, 'IF': -133, 'LPAR': -133, 'LSQB': -133, 'NAME': -133, 'NONE': -133, 'NOT': -133, 'NUMBER': -133, 'OUTPUT': -133, 'RBRACE': -133, 'RETURN': -133, 'SHARE': -133, 'STRING': -133, 'TRUE': -133, '_NL': -133},
    {'ADD_OP': -132, 'DICT_LBRACE': -132, 'FALSE': -132, 'FOR': -132, 'FSTRING': -132, 'IF': -132, 'LPAR': -132, 'LSQB': -132, 'NAME': -132, 'NONE': -132, 'NOT': -132, 'NUMBER': -132, 'OUTPUT': -132, 'RBRACE': -132, 'RETURN': -132, 'SHARE': -132, 'STRING': -132, 'TRUE': -132, '_NL': -132},
    {'_NL': -128},
    {'_NL': -129},
    {'_NL': -127},
    {'_NL': -130},
    {'COMMA': -156, 'EQUAL': 112, 'RPAR': -156},
    {'LBRACE': -158},
    {'COMMA': 113, 'RPAR': 114},
    {'$END': -166, 'BLOCK': -166, 'EXTERN': -166, 'MODEL': -166, 'NAME': -166, 'USE': -166, '_NL': -166},
    {'NAME': 116, 'RBRACE': 117, '_NL': 118},
    {'NAME': 124, 'RPAR': 125},
    {'$END': -152, 'BLOCK': -152, 'EXTERN': -152, 'MODEL': -152, 'NAME': -152, 'USE': -152, '_NL': -152},
    {'LBRACE': 71},
    {'$END': -164, 'BLOCK': -164, 'EXTERN': -164, 'MODEL': -164, 'NAME': -164, 'USE': -164, '_NL': -164},
    {'ADD_OP': -96, 'AND': -96, 'COLON': -96, 'COMMA': -96, 'COMP_OP': -96, 'ELSE': -96, 'FOR': -96, 'IF': -96, 'LBRACE': -96, 'MUL_OP': -96, 'OR': -96, 'RBRACE': -96, 'RPAR': -96, 'RSQB': -96, '_NL': -96},
    {'ADD_OP': -69, 'AND': -69, 'COLON': -69, 'COMMA': -69, 'COMP_OP': -69, 'DOT': -69, 'ELSE': -69, 'FOR': -69, 'IF': -69, 'LBRACE': -69, 'LPAR': -69, 'LSQB': -69, 'MUL_OP': -69, 'OR': -69, 'POW': -69, 'RBRACE': -69, 'RPAR': -69, 'RSQB': -69, '_NL': -69},
    {'COLON': 128},
    {'COMMA': 129, 'RBRACE': 130},
    {'ADD_OP': -85, 'AND': -85, 'COLON': -85, 'COMMA': -85, 'COMP_OP': -85, 'DOT': -85, 'ELSE': -85, 'FOR': -85, 'IF': -85, 'LBRACE': -85, 'LPAR': -85, 'LSQB': -85, 'MUL_OP': -85, 'OR': -85, 'POW': -85, 'RBRACE': -85, 'RPAR': -85, 'RSQB': -85, '_NL': -85},
    {'COMMA': 132, 'RPAR': 133},
    {'ADD_OP': -75, 'AND': -75, 'COLON': -75, 'COMMA': -75, 'COMP_OP': -75, 'DOT': -75, 'ELSE': -75, 'FOR': -75, 'IF': -75, 'LBRACE': -75, 'LPAR': -75, 'LSQB': -75, 'MUL_OP': -75, 'OR': -75, 'POW': -75, 'RBRACE': -75, 'RPAR': -75, 'RSQB': -75, '_NL': -75},
    {'COMMA': 134, 'FOR': 135, 'RSQB': 136},
    {'ADD_OP': -97, 'AND': -97, 'COLON': -97, 'COMMA': -97, 'COMP_OP': -97, 'ELSE': -97, 'FOR': -97, 'IF': -97, 'LBRACE': -97, 'MUL_OP': -97, 'OR': -97, 'RBRACE': -97, 'RPAR': -97, 'RSQB': -97, '_NL': -97},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -102, 'DICT_LBRACE': -102, 'FALSE': -102, 'FSTRING': -102, 'LPAR': -102, 'LSQB': -102, 'NAME': -102, 'NONE': -102, 'NOT': -102, 'NUMBER': -102, 'STRING': -102, 'TRUE': -102},
    {'ADD_OP': -99, 'DICT_LBRACE': -99, 'FALSE': -99, 'FSTRING': -99, 'LPAR': -99, 'LSQB': -99, 'NAME': -99, 'NONE': -99, 'NOT': -99, 'NUMBER': -99, 'STRING': -99, 'TRUE': -99},
    {'ADD_OP': -100, 'DICT_LBRACE': -100, 'FALSE': -100, 'FSTRING': -100, 'LPAR': -100, 'LSQB': -100, 'NAME': -100, 'NONE': -100, 'NOT': -100, 'NUMBER': -100, 'STRING': -100, 'TRUE': -100},
    {'ADD_OP': -101, 'DICT_LBRACE': -101, 'FALSE': -101, 'FSTRING': -101, 'LPAR': -101, 'LSQB': -101, 'NAME': -101, 'NONE': -101, 'NOT': -101, 'NUMBER': -101, 'STRING': -101, 'TRUE': -101},
    {'ADD_OP': -98, 'DICT_LBRACE': -98, 'FALSE': -98, 'FSTRING': -98, 'LPAR': -98, 'LSQB': -98, 'NAME': -98, 'NONE': -98, 'NOT': -98, 'NUMBER': -98, 'STRING': -98, 'TRUE': -98},
    {'ADD_OP': 86, 'AND': 87, 'COLON': -104, 'COMMA': -104, 'COMP_OP': 88, 'ELSE': -104, 'FOR': -104, 'IF': -104, 'LBRACE': -104, 'MUL_OP': 89, 'OR': 90, 'RBRACE': -104, 'RPAR': -104, 'RSQB': -104, '_NL': -104},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'NAME': 143},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 144, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': 145, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'COLON': 149, 'DICT_LBRACE': 32, 'ELLIPSIS': 150, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'LPAR': 97, 'NAME': 98},
    {'COMMA': -108, 'IN': -108, 'RPAR': -108},
    {'COMMA': 157, 'IN': -112, 'RPAR': -112},
    {'IN': 159},
    {'LBRACE': 24},
    {'NAME': 161},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'COMMA': 163, 'EQUAL': 164},
    {'COMMA': 102, 'EQUAL': 165, '_NL': -120},
    {'COMMA': 167, '_NL': -118},
    {'EQUAL': 169},
    {'$END': -155, 'ADD_OP': -155, 'BLOCK': -155, 'DICT_LBRACE': -155, 'ELSE': -155, 'EXTERN': -155, 'FALSE': -155, 'FOR': -155, 'FSTRING': -155, 'IF': -155, 'LPAR': -155, 'LSQB': -155, 'MODEL': -155, 'NAME': -155, 'NONE': -155, 'NOT': -155, 'NUMBER': -155, 'OUTPUT': -155, 'RBRACE': -155, 'RETURN': -155, 'SHARE': -155, 'STRING': -155, 'TRUE': -155, 'USE': -155, '_NL': -155},
    {'ADD_OP': -26, 'DICT_LBRACE': -26, 'FALSE': -26, 'FOR': -26, 'FSTRING': -26, 'IF': -26, 'LPAR': -26, 'LSQB': -26, 'NAME': -26, 'NONE': -26, 'NOT': -26, 'NUMBER': -26, 'OUTPUT': -26, 'RBRACE': -26, 'RETURN': -26, 'SHARE': -26, 'STRING': -26, 'TRUE': -26, '_NL': -26},
    {'ADD_OP': -25, 'DICT_LBRACE': -25, 'FALSE': -25, 'FOR': -25, 'FSTRING': -25, 'IF': -25, 'LPAR': -25, 'LSQB': -25, 'NAME': -25, 'NONE': -25, 'NOT': -25, 'NUMBER': -25, 'OUTPUT': -25, 'RBRACE': -25, 'RETURN': -25, 'SHARE': -25, 'STRING': -25, 'TRUE': -25, '_NL': -25},
    {'ADD_OP': -134, 'DICT_LBRACE': -134, 'FALSE': -134, 'FOR': -134, 'FSTRING': -134, 'IF': -134, 'LPAR': -134, 'LSQB': -134, 'NAME': -134, 'NONE': -134, 'NOT': -134, 'NUMBER': -134, 'OUTPUT': -134, 'RBRACE': -134, 'RETURN': -134, 'SHARE': -134, 'STRING': -134, 'TRUE': -134, '_NL': -134},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'NAME': 67, 'RPAR': 171},
    {'LBRACE': -159},
    {'COMMA': 173, 'RPAR': 174},
    {'EQUAL': 175, 'LPAR': 72},
    {'$END': -141, 'BLOCK': -141, 'EXTERN': -141, 'MODEL': -141, 'NAME': -141, 'USE': -141, '_NL': -141},
    {'NAME': -22, 'RBRACE': -22, '_NL': -22},
    {'NAME': 116, 'RBRACE': 177, '_NL': 178},
    {'_NL': 180},
    {'_NL': -138},
    {'_NL': -140},
    {'_NL': -139},
    {'COLON': 181, 'COMMA': -143, 'EQUAL': 182, 'RPAR': -143},
    {'EQUAL': -147, 'LBRACE': -147, '_NL': -147},
    {'COMMA': 183, 'RPAR': 184},
    {'$END': -153, 'BLOCK': -153, 'EXTERN': -153, 'MODEL': -153, 'NAME': -153, 'USE': -153, '_NL': -153},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RBRACE': 187, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -70, 'AND': -70, 'COLON': -70, 'COMMA': -70, 'COMP_OP': -70, 'DOT': -70, 'ELSE': -70, 'FOR': -70, 'IF': -70, 'LBRACE': -70, 'LPAR': -70, 'LSQB': -70, 'MUL_OP': -70, 'OR': -70, 'POW': -70, 'RBRACE': -70, 'RPAR': -70, 'RSQB': -70, '_NL': -70},
    {'COMMA': 190, 'RBRACE': 191},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': 192, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -86, 'AND': -86, 'COLON': -86, 'COMMA': -86, 'COMP_OP': -86, 'DOT': -86, 'ELSE': -86, 'FOR': -86, 'IF': -86, 'LBRACE': -86, 'LPAR': -86, 'LSQB': -86, 'MUL_OP': -86, 'OR': -86, 'POW': -86, 'RBRACE': -86, 'RPAR': -86, 'RSQB': -86, '_NL': -86},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': 194, 'STRING': 41, 'TRUE': 42},
    {'LPAR': 97, 'NAME': 98},
    {'ADD_OP': -76, 'AND': -76, 'COLON': -76, 'COMMA': -76, 'COMP_OP': -76, 'DOT': -76, 'ELSE': -76, 'FOR': -76, 'IF': -76, 'LBRACE': -76, 'LPAR': -76, 'LSQB': -76, 'MUL_OP': -76, 'OR': -76, 'POW': -76, 'RBRACE': -76, 'RPAR': -76, 'RSQB': -76, '_NL': -76},
    {'FOR': 135, 'RSQB': 197},
    {'COMMA': 199, 'RSQB': 200},
    {'FOR': -8, 'RBRACE': -8, 'RPAR': -8, 'RSQB': -8},
    {'ELSE': 201},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -12, 'AND': -12, 'COLON': -12, 'COMMA': -12, 'COMP_OP': -12, 'ELSE': -12, 'FOR': -12, 'IF': -12, 'LBRACE': -12, 'MUL_OP': -12, 'OR': -12, 'RBRACE': -12, 'RPAR': -12, 'RSQB': -12, '_NL': -12},
    {'ADD_OP': -63, 'AND': -63, 'COLON': -63, 'COMMA': -63, 'COMP_OP': -63, 'DOT': -63, 'ELSE': -63, 'FOR': -63, 'IF': -63, 'LBRACE': -63, 'LPAR': -63, 'LSQB': -63, 'MUL_OP': -63, 'OR': -63, 'POW': -63, 'RBRACE': -63, 'RPAR': -63, 'RSQB': -63, '_NL': -63},
    {'ADD_OP': -93, 'AND': -93, 'COMMA': -93, 'COMP_OP': -93, 'DOT': -93, 'EQUAL': 203, 'FOR': -93, 'IF': -93, 'LPAR': -93, 'LSQB': -93, 'MUL_OP': -93, 'OR': -93, 'POW': -93, 'RPAR': -93},
    {'ADD_OP': -66, 'AND': -66, 'COLON': -66, 'COMMA': -66, 'COMP_OP': -66, 'DOT': -66, 'ELSE': -66, 'FOR': -66, 'IF': -66, 'LBRACE': -66, 'LPAR': -66, 'LSQB': -66, 'MUL_OP': -66, 'OR': -66, 'POW': -66, 'RBRACE': -66, 'RPAR': -66, 'RSQB': -66, '_NL': -66},
    {'COMMA': 204, 'RPAR': -59},
    {'RPAR': 206},
    {'COMMA': -58, 'FOR': 135, 'RPAR': -58},
    {'ADD_OP': 31, 'COLON': 208, 'COMMA': -43, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -43, 'STRING': 41, 'TRUE': 42},
    {'COMMA': -47, 'RSQB': -47},
    {'COMMA': 210, 'RSQB': -53},
    {'COLON': 212, 'COMMA': -49, 'RSQB': -49},
    {'COMMA': -48, 'RSQB': -48},
    {'RSQB': 213},
    {'ADD_OP': -95, 'AND': -95, 'COLON': -95, 'COMMA': -95, 'COMP_OP': -95, 'ELSE': -95, 'FOR': -95, 'IF': -95, 'LBRACE': -95, 'MUL_OP': -95, 'OR': -95, 'RBRACE': -95, 'RPAR': -95, 'RSQB': -95, '_NL': -95},
    {'RPAR': 214},
    {'IN': -111, 'LPAR': 97, 'NAME': 98, 'RPAR': -111},
    {'COMMA': 216, 'IN': -109, 'RPAR': -109},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -113, 'DICT_LBRACE': -113, 'ELSE': 218, 'FALSE': -113, 'FOR': -113, 'FSTRING': -113, 'IF': -113, 'LPAR': -113, 'LSQB': -113, 'NAME': -113, 'NONE': -113, 'NOT': -113, 'NUMBER': -113, 'OUTPUT': -113, 'RBRACE': -113, 'RETURN': -113, 'SHARE': -113, 'STRING': -113, 'TRUE': -113, '_NL': -113},
    {'COMMA': -18, 'EQUAL': -18, '_NL': -18},
    {'_NL': -124},
    {'NAME': 219},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'COMMA': 163, '_NL': -121},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'COMMA': 222, '_NL': -119},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'COMMA': -157, 'RPAR': -157},
    {'LBRACE': -160},
    {'COMMA': -30, 'RPAR': -30},
    {'NAME': 67, 'RPAR': 224},
    {'LBRACE': -161},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'EQUAL': 227, '_NL': -135},
    {'$END': -142, 'BLOCK': -142, 'EXTERN': -142, 'MODEL': -142, 'NAME': -142, 'USE': -142, '_NL': -142},
    {'NAME': -20, 'RBRACE': -20, '_NL': -20},
    {'_NL': 228},
    {'NAME': -21, 'RBRACE': -21, '_NL': -21},
    {'NAME': 229},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'NAME': 124, 'RPAR': 231},
    {'EQUAL': -148, 'LBRACE': -148, '_NL': -148},
    {'COMMA': 233, 'RPAR': 234},
    {'COMMA': -56, 'FOR': 135, 'RBRACE': -56},
    {'ADD_OP': -71, 'AND': -71, 'COLON': -71, 'COMMA': -71, 'COMP_OP': -71, 'DOT': -71, 'ELSE': -71, 'FOR': -71, 'IF': -71, 'LBRACE': -71, 'LPAR': -71, 'LSQB': -71, 'MUL_OP': -71, 'OR': -71, 'POW': -71, 'RBRACE': -71, 'RPAR': -71, 'RSQB': -71, '_NL': -71},
    {'COLON': 236},
    {'COMMA': -10, 'RBRACE': -10},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RBRACE': 237, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -72, 'AND': -72, 'COLON': -72, 'COMMA': -72, 'COMP_OP': -72, 'DOT': -72, 'ELSE': -72, 'FOR': -72, 'IF': -72, 'LBRACE': -72, 'LPAR': -72, 'LSQB': -72, 'MUL_OP': -72, 'OR': -72, 'POW': -72, 'RBRACE': -72, 'RPAR': -72, 'RSQB': -72, '_NL': -72},
    {'ADD_OP': -80, 'AND': -80, 'COLON': -80, 'COMMA': -80, 'COMP_OP': -80, 'DOT': -80, 'ELSE': -80, 'FOR': -80, 'IF': -80, 'LBRACE': -80, 'LPAR': -80, 'LSQB': -80, 'MUL_OP': -80, 'OR': -80, 'POW': -80, 'RBRACE': -80, 'RPAR': -80, 'RSQB': -80, '_NL': -80},
    {'COMMA': 239, 'RPAR': 240},
    {'ADD_OP': -77, 'AND': -77, 'COLON': -77, 'COMMA': -77, 'COMP_OP': -77, 'DOT': -77, 'ELSE': -77, 'FOR': -77, 'IF': -77, 'LBRACE': -77, 'LPAR': -77, 'LSQB': -77, 'MUL_OP': -77, 'OR': -77, 'POW': -77, 'RBRACE': -77, 'RPAR': -77, 'RSQB': -77, '_NL': -77},
    {'COMMA': -16, 'RPAR': -16, 'RSQB': -16, '_NL': -16},
    {'IN': 242},
    {'ADD_OP': -74, 'AND': -74, 'COLON': -74, 'COMMA': -74, 'COMP_OP': -74, 'DOT': -74, 'ELSE': -74, 'FOR': -74, 'IF': -74, 'LBRACE': -74, 'LPAR': -74, 'LSQB': -74, 'MUL_OP': -74, 'OR': -74, 'POW': -74, 'RBRACE': -74, 'RPAR': -74, 'RSQB': -74, '_NL': -74},
    {'FOR': -7, 'RBRACE': -7, 'RPAR': -7, 'RSQB': -7},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': 243, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -78, 'AND': -78, 'COLON': -78, 'COMMA': -78, 'COMP_OP': -78, 'DOT': -78, 'ELSE': -78, 'FOR': -78, 'IF': -78, 'LBRACE': -78, 'LPAR': -78, 'LSQB': -78, 'MUL_OP': -78, 'OR': -78, 'POW': -78, 'RBRACE': -78, 'RPAR': -78, 'RSQB': -78, '_NL': -78},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -11, 'AND': -11, 'COLON': -11, 'COMMA': -11, 'COMP_OP': -11, 'ELSE': -11, 'FOR': -11, 'IF': -11, 'LBRACE': -11, 'MUL_OP': -11, 'OR': -11, 'RBRACE': -11, 'RPAR': -11, 'RSQB': -11, '_NL': -11},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 144, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': -60, 'STRING': 41, 'TRUE': 42},
    {'COMMA': 249, 'RPAR': -61},
    {'ADD_OP': -67, 'AND': -67, 'COLON': -67, 'COMMA': -67, 'COMP_OP': -67, 'DOT': -67, 'ELSE': -67, 'FOR': -67, 'IF': -67, 'LBRACE': -67, 'LPAR': -67, 'LSQB': -67, 'MUL_OP': -67, 'OR': -67, 'POW': -67, 'RBRACE': -67, 'RPAR': -67, 'RSQB': -67, '_NL': -67},
    {'FOR': 135, 'RPAR': 250},
    {'ADD_OP': 31, 'COMMA': -35, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -35, 'STRING': 41, 'TRUE': 42},
    {'COLON': 252, 'COMMA': -44, 'RSQB': -44},
    {'ADD_OP': 31, 'COLON': 149, 'DICT_LBRACE': 32, 'ELLIPSIS': 150, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -52, 'STRING': 41, 'TRUE': 42},
    {'COMMA': 254, 'RSQB': -50},
    {'ADD_OP': 31, 'COLON': 255, 'COMMA': -45, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -45, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -64, 'AND': -64, 'COLON': -64, 'COMMA': -64, 'COMP_OP': -64, 'DOT': -64, 'ELSE': -64, 'FOR': -64, 'IF': -64, 'LBRACE': -64, 'LPAR': -64, 'LSQB': -64, 'MUL_OP': -64, 'OR': -64, 'POW': -64, 'RBRACE': -64, 'RPAR': -64, 'RSQB': -64, '_NL': -64},
    {'COMMA': -107, 'IN': -107, 'RPAR': -107},
    {'COMMA': -14, 'IN': -14, 'RPAR': -14},
    {'IN': -110, 'LPAR': 97, 'NAME': 98, 'RPAR': -110},
    {'LBRACE': 24},
    {'IF': 48, 'LBRACE': 24},
    {'COMMA': -17, 'EQUAL': -17, '_NL': -17},
    {'_NL': -125},
    {'_NL': -122},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'_NL': -123},
    {'LBRACE': -162},
    {'COMMA': -29, 'RPAR': -29},
    {'_NL': -137},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'NAME': -19, 'RBRACE': -19, '_NL': -19},
    {'COMMA': -145, 'EQUAL': 262, 'RPAR': -145},
    {'COMMA': -144, 'RPAR': -144},
    {'EQUAL': -149, 'LBRACE': -149, '_NL': -149},
    {'COMMA': -24, 'RPAR': -24},
    {'NAME': 124, 'RPAR': 263},
    {'EQUAL': -150, 'LBRACE': -150, '_NL': -150},
    {'FOR': 135, 'RBRACE': 265},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -73, 'AND': -73, 'COLON': -73, 'COMMA': -73, 'COMP_OP': -73, 'DOT': -73, 'ELSE': -73, 'FOR': -73, 'IF': -73, 'LBRACE': -73, 'LPAR': -73, 'LSQB': -73, 'MUL_OP': -73, 'OR': -73, 'POW': -73, 'RBRACE': -73, 'RPAR': -73, 'RSQB': -73, '_NL': -73},
    {'COMMA': -9, 'RBRACE': -9},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': 267, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -81, 'AND': -81, 'COLON': -81, 'COMMA': -81, 'COMP_OP': -81, 'DOT': -81, 'ELSE': -81, 'FOR': -81, 'IF': -81, 'LBRACE': -81, 'LPAR': -81, 'LSQB': -81, 'MUL_OP': -81, 'OR': -81, 'POW': -81, 'RBRACE': -81, 'RPAR': -81, 'RSQB': -81, '_NL': -81},
    {'COMMA': 268, 'RPAR': 269},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -79, 'AND': -79, 'COLON': -79, 'COMMA': -79, 'COMP_OP': -79, 'DOT': -79, 'ELSE': -79, 'FOR': -79, 'IF': -79, 'LBRACE': -79, 'LPAR': -79, 'LSQB': -79, 'MUL_OP': -79, 'OR': -79, 'POW': -79, 'RBRACE': -79, 'RPAR': -79, 'RSQB': -79, '_NL': -79},
    {'COMMA': -15, 'RPAR': -15, 'RSQB': -15, '_NL': -15},
    {'COLON': -105, 'COMMA': -105, 'FOR': -105, 'LBRACE': -105, 'RBRACE': -105, 'RPAR': -105, 'RSQB': -105, '_NL': -105},
    {'COMMA': -57, 'RPAR': -57},
    {'COMMA': -6, 'RPAR': -6},
    {'COMMA': -58, 'RPAR': -58},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 144, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': -62, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -65, 'AND': -65, 'COLON': -65, 'COMMA': -65, 'COMP_OP': -65, 'DOT': -65, 'ELSE': -65, 'FOR': -65, 'IF': -65, 'LBRACE': -65, 'LPAR': -65, 'LSQB': -65, 'MUL_OP': -65, 'OR': -65, 'POW': -65, 'RBRACE': -65, 'RPAR': -65, 'RSQB': -65, '_NL': -65},
    {'COMMA': -36, 'RSQB': -36},
    {'ADD_OP': 31, 'COMMA': -37, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -37, 'STRING': 41, 'TRUE': 42},
    {'COMMA': -2, 'RSQB': -2},
    {'ADD_OP': 31, 'COLON': 149, 'DICT_LBRACE': 32, 'ELLIPSIS': 150, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -51, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': 31, 'COMMA': -39, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -39, 'STRING': 41, 'TRUE': 42},
    {'COLON': 275, 'COMMA': -46, 'RSQB': -46},
    {'COMMA': -13, 'IN': -13, 'RPAR': -13},
    {'ADD_OP': -116, 'DICT_LBRACE': -116, 'FALSE': -116, 'FOR': -116, 'FSTRING': -116, 'IF': -116, 'LPAR': -116, 'LSQB': -116, 'NAME': -116, 'NONE': -116, 'NOT': -116, 'NUMBER': -116, 'OUTPUT': -116, 'RBRACE': -116, 'RETURN': -116, 'SHARE': -116, 'STRING': -116, 'TRUE': -116, '_NL': -116},
    {'ADD_OP': -115, 'DICT_LBRACE': -115, 'FALSE': -115, 'FOR': -115, 'FSTRING': -115, 'IF': -115, 'LPAR': -115, 'LSQB': -115, 'NAME': -115, 'NONE': -115, 'NOT': -115, 'NUMBER': -115, 'OUTPUT': -115, 'RBRACE': -115, 'RETURN': -115, 'SHARE': -115, 'STRING': -115, 'TRUE': -115, '_NL': -115},
    {'ADD_OP': -114, 'DICT_LBRACE': -114, 'FALSE': -114, 'FOR': -114, 'FSTRING': -114, 'IF': -114, 'LPAR': -114, 'LSQB': -114, 'NAME': -114, 'NONE': -114, 'NOT': -114, 'NUMBER': -114, 'OUTPUT': -114, 'RBRACE': -114, 'RETURN': -114, 'SHARE': -114, 'STRING': -114, 'TRUE': -114, '_NL': -114},
    {'_NL': -136},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'EQUAL': -151, 'LBRACE': -151, '_NL': -151},
    {'COMMA': -23, 'RPAR': -23},
    {'ADD_OP': -68, 'AND': -68, 'COLON': -68, 'COMMA': -68, 'COMP_OP': -68, 'DOT': -68, 'ELSE': -68, 'FOR': -68, 'IF': -68, 'LBRACE': -68, 'LPAR': -68, 'LSQB': -68, 'MUL_OP': -68, 'OR': -68, 'POW': -68, 'RBRACE': -68, 'RPAR': -68, 'RSQB': -68, '_NL': -68},
    {'COMMA': -56, 'RBRACE': -56},
    {'ADD_OP': -82, 'AND': -82, 'COLON': -82, 'COMMA': -82, 'COMP_OP': -82, 'DOT': -82, 'ELSE': -82, 'FOR': -82, 'IF': -82, 'LBRACE': -82, 'LPAR': -82, 'LSQB': -82, 'MUL_OP': -82, 'OR': -82, 'POW': -82, 'RBRACE': -82, 'RPAR': -82, 'RSQB': -82, '_NL': -82},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RPAR': 277, 'STRING': 41, 'TRUE': 42},
    {'ADD_OP': -83, 'AND': -83, 'COLON': -83, 'COMMA': -83, 'COMP_OP': -83, 'DOT': -83, 'ELSE': -83, 'FOR': -83, 'IF': -83, 'LBRACE': -83, 'LPAR': -83, 'LSQB': -83, 'MUL_OP': -83, 'OR': -83, 'POW': -83, 'RBRACE': -83, 'RPAR': -83, 'RSQB': -83, '_NL': -83},
    {'FOR': -54, 'IF': 278, 'RBRACE': -54, 'RPAR': -54, 'RSQB': -54},
    {'COMMA': -5, 'RPAR': -5},
    {'COMMA': -38, 'RSQB': -38},
    {'COMMA': -1, 'RSQB': -1},
    {'COMMA': -40, 'RSQB': -40},
    {'ADD_OP': 31, 'COMMA': -41, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'RSQB': -41, 'STRING': 41, 'TRUE': 42},
    {'COMMA': -146, 'RPAR': -146},
    {'ADD_OP': -84, 'AND': -84, 'COLON': -84, 'COMMA': -84, 'COMP_OP': -84, 'DOT': -84, 'ELSE': -84, 'FOR': -84, 'IF': -84, 'LBRACE': -84, 'LPAR': -84, 'LSQB': -84, 'MUL_OP': -84, 'OR': -84, 'POW': -84, 'RBRACE': -84, 'RPAR': -84, 'RSQB': -84, '_NL': -84},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'FOR': -55, 'IF': 282, 'RBRACE': -55, 'RPAR': -55, 'RSQB': -55},
    {'COMMA': -42, 'RSQB': -42},
    {'FOR': -4, 'IF': -4, 'RBRACE': -4, 'RPAR': -4, 'RSQB': -4},
    {'ADD_OP': 31, 'DICT_LBRACE': 32, 'FALSE': 33, 'FSTRING': 34, 'LPAR': 35, 'LSQB': 36, 'NAME': 37, 'NONE': 38, 'NOT': 39, 'NUMBER': 40, 'STRING': 41, 'TRUE': 42},
    {'FOR': -3, 'IF': -3, 'RBRACE': -3, 'RPAR': -3, 'RSQB': -3},
)
# GOTO[state][rule name]: the state after reducing to that rule
GOTO = (
    {'__module_star_0': 7, '_top': 8, 'block_def': 9, 'const_stmt': 10, 'extern_def': 11, 'model_def': 12, 'module': 13, 'use_stmt': 14},
    {},
    {},
    {},
    {},
    {},
    {},
    {'_top': 21, 'block_def': 9, 'const_stmt': 10, 'extern_def': 11, 'model_def': 12, 'use_stmt': 14},
    {},
    {},
    {},
    {},
    {},
    {},
    {},
    {'body': 26, 'params': 27},
    {},
    {'body': 29, 'params': 30},
    {'disj': 43, 'expr': 44, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {'__body_star_2': 55, '_simple': 56, '_stmt': 57, 'assign': 58, 'disj': 43, 'expr': 59, 'expr_stmt': 60, 'for_stmt': 61, 'if_stmt': 62, 'operand': 45, 'output_list': 63, 'output_stmt': 64, 'postfix': 46, 'return_stmt': 65, 'share_stmt': 66},
    {'param': 69},
    {},
    {'body': 70},
    {'ext_body': 73, 'ext_params': 74},
    {},
    {'body': 75},
    {'operand': 76, 'postfix': 46},
    {'disj': 43, 'expr': 78, 'operand': 45, 'pair': 79, 'postfix': 46},
    {},
    {},
    {'disj': 43, 'expr': 81, 'operand': 45, 'postfix': 46},
    {'disj': 43, 'expr': 83, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'operand': 84, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {'__disj_star_8': 91, '_binop': 92},
    {},
    {'target_item': 99, 'target_list': 100},
    {'disj': 43, 'expr': 101, 'operand': 45, 'postfix': 46},
    {'__assign_star_5': 104},
    {},
    {},
    {'disj': 43, 'expr': 106, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'_simple': 56, '_stmt': 110, 'assign': 58, 'disj': 43, 'expr': 59, 'expr_stmt': 60, 'for_stmt': 61, 'if_stmt': 62, 'operand': 45, 'output_list': 63, 'output_stmt': 64, 'postfix': 46, 'return_stmt': 65, 'share_stmt': 66},
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
    {'__params_star_1': 115},
    {},
    {'__ext_body_star_4': 119, '_ext_item': 120, 'ext_call': 121, 'ext_field': 122, 'ext_rule': 123},
    {'ext_param': 126},
    {},
    {'ext_body': 127},
    {},
    {},
    {},
    {},
    {'__postfix_star_9': 131},
    {},
    {},
    {},
    {'__postfix_plus_10': 137, '__return_stmt_star_6': 138, 'comp_for': 139},
    {},
    {'disj': 140, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {'_binop': 141},
    {'operand': 142, 'postfix': 46},
    {},
    {'arg': 146, 'args': 147, 'disj': 43, 'expr': 148, 'operand': 45, 'postfix': 46},
    {'_sub_item': 151, 'disj': 43, 'expr': 152, 'operand': 45, 'postfix': 46, 'slice': 153, 'subscript': 154},
    {'operand': 155, 'postfix': 46},
    {'target_item': 99, 'target_list': 156},
    {},
    {'__target_list_plus_7': 158},
    {},
    {'body': 160},
    {},
    {'disj': 43, 'expr': 162, 'operand': 45, 'postfix': 46},
    {},
    {'__assign_star_5': 166},
    {'__return_stmt_star_6': 168},
    {},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 170, 'operand': 45, 'postfix': 46},
    {'param': 172},
    {},
    {},
    {'ext_params': 176},
    {},
    {},
    {'_ext_item': 179, 'ext_call': 121, 'ext_field': 122, 'ext_rule': 123},
    {},
    {},
    {},
    {},
    {},
    {},
    {'__ext_params_star_3': 185},
    {},
    {'disj': 43, 'expr': 186, 'operand': 45, 'postfix': 46},
    {'disj': 43, 'expr': 188, 'operand': 45, 'pair': 189, 'postfix': 46},
    {},
    {},
    {'disj': 43, 'expr': 193, 'operand': 45, 'postfix': 46},
    {},
    {'disj': 43, 'expr': 195, 'operand': 45, 'postfix': 46},
    {'target_item': 99, 'target_list': 196},
    {},
    {'comp_for': 198},
    {},
    {},
    {},
    {'operand': 202, 'postfix': 46},
    {},
    {},
    {},
    {},
    {'__args_star_11': 205},
    {},
    {'__postfix_plus_10': 207, 'comp_for': 139},
    {'disj': 43, 'expr': 209, 'operand': 45, 'postfix': 46},
    {},
    {'__subscript_plus_13': 211},
    {},
    {},
    {},
    {},
    {},
    {'target_item': 215},
    {},
    {'disj': 43, 'expr': 217, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 220, 'operand': 45, 'postfix': 46},
    {'disj': 43, 'expr': 221, 'operand': 45, 'postfix': 46},
    {},
    {'disj': 43, 'expr': 195, 'operand': 45, 'postfix': 46},
    {},
    {'disj': 43, 'expr': 223, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {'param': 225},
    {},
    {'disj': 43, 'expr': 226, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 230, 'operand': 45, 'postfix': 46},
    {'ext_param': 232},
    {},
    {},
    {'__postfix_plus_10': 235, 'comp_for': 139},
    {},
    {},
    {},
    {'disj': 43, 'expr': 188, 'operand': 45, 'pair': 238, 'postfix': 46},
    {},
    {},
    {'__return_stmt_star_6': 241},
    {},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 244, 'operand': 45, 'postfix': 46},
    {},
    {'disj': 43, 'expr': 245, 'operand': 45, 'postfix': 46},
    {},
    {'disj': 43, 'expr': 246, 'operand': 45, 'postfix': 46},
    {'arg': 247, 'disj': 43, 'expr': 248, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'comp_for': 198},
    {'disj': 43, 'expr': 251, 'operand': 45, 'postfix': 46},
    {},
    {'_sub_item': 253, 'disj': 43, 'expr': 152, 'operand': 45, 'postfix': 46, 'slice': 153},
    {},
    {'disj': 43, 'expr': 256, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {'target_item': 257},
    {'body': 258},
    {'body': 259, 'if_stmt': 260},
    {},
    {},
    {},
    {'disj': 43, 'expr': 244, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 261, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {'ext_param': 264},
    {},
    {'comp_for': 198},
    {'disj': 43, 'expr': 266, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'disj': 43, 'expr': 195, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'disj': 270, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {},
    {'arg': 271, 'disj': 43, 'expr': 248, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'disj': 43, 'expr': 272, 'operand': 45, 'postfix': 46},
    {},
    {'_sub_item': 273, 'disj': 43, 'expr': 152, 'operand': 45, 'postfix': 46, 'slice': 153},
    {'disj': 43, 'expr': 274, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 276, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 244, 'operand': 45, 'postfix': 46},
    {},
    {'__comp_for_star_12': 279},
    {},
    {},
    {},
    {},
    {'disj': 43, 'expr': 280, 'operand': 45, 'postfix': 46},
    {},
    {},
    {'disj': 281, 'operand': 45, 'postfix': 46},
    {},
    {},
    {},
    {'disj': 283, 'operand': 45, 'postfix': 46},
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
    cb9 = callback('extern_def')
    cb10 = callback('ext_params')
    cb11 = callback('ext_param')
    cb12 = callback('ext_body')
    cb13 = callback('_ext_item')
    cb14 = callback('ext_field')
    cb15 = callback('ext_rule')
    cb16 = callback('ext_call')
    cb17 = callback('_stmt')
    cb18 = callback('_simple')
    cb19 = callback('assign')
    cb20 = callback('share_stmt')
    cb21 = callback('output_stmt')
    cb22 = callback('output_list')
    cb23 = callback('return_stmt')
    cb24 = callback('expr_stmt')
    cb25 = callback('for_stmt')
    cb26 = callback('if_stmt')
    cb27 = callback('target_tuple')
    cb28 = callback('target_name')
    cb29 = callback('target_item')
    cb30 = callback('ifexp')
    cb31 = callback('binexpr')
    cb32 = callback('_binop')
    cb33 = callback('not_prefix')
    cb34 = callback('unary')
    cb35 = callback('pow_op')
    cb36 = callback('name')
    cb37 = callback('number')
    cb38 = callback('string')
    cb39 = callback('fstring')
    cb40 = callback('true')
    cb41 = callback('false')
    cb42 = callback('none')
    cb43 = callback('paren')
    cb44 = callback('tuple')
    cb45 = callback('list')
    cb46 = callback('listcomp')
    cb47 = callback('dict')
    cb48 = callback('dictcomp')
    cb49 = callback('call')
    cb50 = callback('call_genexp')
    cb51 = callback('index')
    cb52 = callback('attr')
    cb53 = callback('args')
    cb54 = callback('kw_arg')
    cb55 = callback('pair')
    cb56 = callback('comp_for')
    cb57 = callback('subscript')
    cb58 = callback('sub_tuple')
    cb59 = callback('_sub_item')
    cb60 = callback('slice')
    cb61 = callback('slice_step')
    cb62 = callback('__module_star_0')
    cb63 = callback('__params_star_1')
    cb64 = callback('__body_star_2')
    cb65 = callback('__ext_params_star_3')
    cb66 = callback('__ext_body_star_4')
    cb67 = callback('__assign_star_5')
    cb68 = callback('__return_stmt_star_6')
    cb69 = callback('__target_list_plus_7')
    cb70 = callback('__disj_star_8')
    cb71 = callback('__postfix_star_9')
    cb72 = callback('__postfix_plus_10')
    cb73 = callback('__args_star_11')
    cb74 = callback('__comp_for_star_12')
    cb75 = callback('__subscript_plus_13')

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

    def r6(v):  # <_top : extern_def>
        c = [v.pop()]
        return cb1(c)

    def r7(v):  # <use_stmt : USE STRING>
        c = [v[-1]]
        del v[-2:]
        return cb2(c)

    def r8(v):  # <const_stmt : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb3(c)

    def r9(v):  # <block_def : BLOCK NAME params body>
        c = [v[-3], v[-2], v[-1]]
        del v[-4:]
        return cb4(c)

    def r10(v):  # <block_def : BLOCK NAME body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb4(c)

    def r11(v):  # <model_def : MODEL NAME params body>
        c = [v[-3], v[-2], v[-1]]
        del v[-4:]
        return cb5(c)

    def r12(v):  # <model_def : MODEL NAME body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb5(c)

    def r13(v):  # <params : LPAR param __params_star_1 COMMA RPAR>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb6(c)

    def r14(v):  # <params : LPAR param __params_star_1 RPAR>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb6(c)

    def r15(v):  # <params : LPAR param COMMA RPAR>
        c = [v[-3]]
        del v[-4:]
        return cb6(c)

    def r16(v):  # <params : LPAR param RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb6(c)

    def r17(v):  # <params : LPAR RPAR>
        c = [None]
        del v[-2:]
        return cb6(c)

    def r18(v):  # <param : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb7(c)

    def r19(v):  # <param : NAME>
        c = [v.pop()]
        return cb7(c)

    def r20(v):  # <body : LBRACE __body_star_2 RBRACE>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb8(c)

    def r21(v):  # <body : LBRACE RBRACE>
        c = [v[-2]]
        del v[-2:]
        return cb8(c)

    def r22(v):  # <extern_def : EXTERN NAME NAME ext_params ext_body>
        c = [v[-4], v[-3], v[-2], v[-1]]
        del v[-5:]
        return cb9(c)

    def r23(v):  # <extern_def : EXTERN NAME NAME ext_body>
        c = [v[-3], v[-2], v[-1]]
        del v[-4:]
        return cb9(c)

    def r24(v):  # <ext_params : LPAR ext_param __ext_params_star_3 COMMA RPAR>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb10(c)

    def r25(v):  # <ext_params : LPAR ext_param __ext_params_star_3 RPAR>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb10(c)

    def r26(v):  # <ext_params : LPAR ext_param COMMA RPAR>
        c = [v[-3]]
        del v[-4:]
        return cb10(c)

    def r27(v):  # <ext_params : LPAR ext_param RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb10(c)

    def r28(v):  # <ext_params : LPAR RPAR>
        c = [None]
        del v[-2:]
        return cb10(c)

    def r29(v):  # <ext_param : NAME COLON NAME EQUAL expr>
        c = [v[-5], v[-3], v[-1]]
        del v[-5:]
        return cb11(c)

    def r30(v):  # <ext_param : NAME COLON NAME>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb11(c)

    def r31(v):  # <ext_param : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb11(c)

    def r32(v):  # <ext_param : NAME>
        c = [v.pop()]
        return cb11(c)

    def r33(v):  # <ext_body : LBRACE __ext_body_star_4 RBRACE>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb12(c)

    def r34(v):  # <ext_body : LBRACE RBRACE>
        c = [v[-2]]
        del v[-2:]
        return cb12(c)

    def r35(v):  # <_ext_item : ext_field>
        c = [v.pop()]
        return cb13(c)

    def r36(v):  # <_ext_item : ext_rule>
        c = [v.pop()]
        return cb13(c)

    def r37(v):  # <_ext_item : ext_call>
        c = [v.pop()]
        return cb13(c)

    def r38(v):  # <ext_field : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb14(c)

    def r39(v):  # <ext_rule : NAME ext_params EQUAL expr>
        c = [v[-4], v[-3], v[-1]]
        del v[-4:]
        return cb15(c)

    def r40(v):  # <ext_call : NAME ext_params>
        c = v[-2:]
        del v[-2:]
        return cb16(c)

    def r41(v):  # <_stmt : _simple _NL>
        c = v[-2].children
        del v[-2:]
        return cb17(c)

    def r42(v):  # <_stmt : for_stmt>
        c = [v.pop()]
        return cb17(c)

    def r43(v):  # <_stmt : if_stmt>
        c = [v.pop()]
        return cb17(c)

    def r44(v):  # <_simple : assign>
        c = [v.pop()]
        return cb18(c)

    def r45(v):  # <_simple : share_stmt>
        c = [v.pop()]
        return cb18(c)

    def r46(v):  # <_simple : output_stmt>
        c = [v.pop()]
        return cb18(c)

    def r47(v):  # <_simple : output_list>
        c = [v.pop()]
        return cb18(c)

    def r48(v):  # <_simple : return_stmt>
        c = [v.pop()]
        return cb18(c)

    def r49(v):  # <_simple : expr_stmt>
        c = [v.pop()]
        return cb18(c)

    def r50(v):  # <assign : NAME __assign_star_5 EQUAL expr>
        c = [v[-4]]
        c += v[-3].children
        c += [v[-1]]
        del v[-4:]
        return cb19(c)

    def r51(v):  # <assign : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb19(c)

    def r52(v):  # <share_stmt : SHARE NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb20(c)

    def r53(v):  # <output_stmt : OUTPUT NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb21(c)

    def r54(v):  # <output_list : OUTPUT NAME __assign_star_5>
        c = [v[-2]]
        c += v[-1].children
        del v[-3:]
        return cb22(c)

    def r55(v):  # <output_list : OUTPUT NAME>
        c = [v[-1]]
        del v[-2:]
        return cb22(c)

    def r56(v):  # <return_stmt : RETURN expr __return_stmt_star_6>
        c = [v[-2]]
        c += v[-1].children
        del v[-3:]
        return cb23(c)

    def r57(v):  # <return_stmt : RETURN expr>
        c = [v[-1]]
        del v[-2:]
        return cb23(c)

    def r58(v):  # <expr_stmt : expr>
        c = [v.pop()]
        return cb24(c)

    def r59(v):  # <for_stmt : FOR target_list IN expr body>
        c = [v[-4], v[-2], v[-1]]
        del v[-5:]
        return cb25(c)

    def r60(v):  # <if_stmt : IF expr body ELSE body>
        c = [v[-4], v[-3], v[-1]]
        del v[-5:]
        return cb26(c)

    def r61(v):  # <if_stmt : IF expr body ELSE if_stmt>
        c = [v[-4], v[-3], v[-1]]
        del v[-5:]
        return cb26(c)

    def r62(v):  # <if_stmt : IF expr body>
        c = [v[-2], v[-1]]
        del v[-3:]
        return cb26(c)

    def r64(v):  # <target_list : target_item COMMA>
        c = [v[-2]]
        del v[-2:]
        return cb27(c)

    def r65(v):  # <target_list : target_item __target_list_plus_7 COMMA>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb27(c)

    def r66(v):  # <target_list : target_item __target_list_plus_7>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb27(c)

    def r67(v):  # <target_item : NAME>
        c = [v.pop()]
        return cb28(c)

    def r68(v):  # <target_item : LPAR target_list RPAR>
        c = [v[-2]]
        del v[-3:]
        return c[0] if len(c) == 1 else cb29(c)

    def r70(v):  # <expr : disj IF disj ELSE expr>
        c = [v[-5], v[-3], v[-1]]
        del v[-5:]
        return cb30(c)

    def r71(v):  # <disj : operand __disj_star_8>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb31(c)

    def r72(v):  # <disj : operand>
        c = [v.pop()]
        return cb31(c)

    def r73(v):  # <_binop : ADD_OP>
        c = [v.pop()]
        return cb32(c)

    def r74(v):  # <_binop : MUL_OP>
        c = [v.pop()]
        return cb32(c)

    def r75(v):  # <_binop : COMP_OP>
        c = [v.pop()]
        return cb32(c)

    def r76(v):  # <_binop : AND>
        c = [v.pop()]
        return cb32(c)

    def r77(v):  # <_binop : OR>
        c = [v.pop()]
        return cb32(c)

    def r78(v):  # <operand : NOT operand>
        c = v[-2:]
        del v[-2:]
        return cb33(c)

    def r79(v):  # <operand : ADD_OP operand>
        c = v[-2:]
        del v[-2:]
        return cb34(c)

    def r80(v):  # <operand : postfix POW operand>
        c = v[-3:]
        del v[-3:]
        return cb35(c)

    def r82(v):  # <postfix : NAME>
        c = [v.pop()]
        return cb36(c)

    def r83(v):  # <postfix : NUMBER>
        c = [v.pop()]
        return cb37(c)

    def r84(v):  # <postfix : STRING>
        c = [v.pop()]
        return cb38(c)

    def r85(v):  # <postfix : FSTRING>
        c = [v.pop()]
        return cb39(c)

    def r86(v):  # <postfix : TRUE>
        c = [v.pop()]
        return cb40(c)

    def r87(v):  # <postfix : FALSE>
        c = [v.pop()]
        return cb41(c)

    def r88(v):  # <postfix : NONE>
        c = [v.pop()]
        return cb42(c)

    def r89(v):  # <postfix : LPAR expr RPAR>
        c = [v[-2]]
        del v[-3:]
        return cb43(c)

    def r90(v):  # <postfix : LPAR RPAR>
        c = []
        del v[-2:]
        return cb44(c)

    def r91(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_6 COMMA RPAR>
        c = [v[-6], v[-4]]
        c += v[-3].children
        del v[-7:]
        return cb44(c)

    def r92(v):  # <postfix : LPAR expr COMMA expr __return_stmt_star_6 RPAR>
        c = [v[-5], v[-3]]
        c += v[-2].children
        del v[-6:]
        return cb44(c)

    def r93(v):  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        c = [v[-5], v[-3]]
        del v[-6:]
        return cb44(c)

    def r94(v):  # <postfix : LPAR expr COMMA expr RPAR>
        c = [v[-4], v[-2]]
        del v[-5:]
        return cb44(c)

    def r95(v):  # <postfix : LPAR expr COMMA RPAR>
        c = [v[-3], None]
        del v[-4:]
        return cb44(c)

    def r96(v):  # <postfix : LSQB expr __return_stmt_star_6 COMMA RSQB>
        c = [v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb45(c)

    def r97(v):  # <postfix : LSQB expr __return_stmt_star_6 RSQB>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb45(c)

    def r98(v):  # <postfix : LSQB expr COMMA RSQB>
        c = [v[-3]]
        del v[-4:]
        return cb45(c)

    def r99(v):  # <postfix : LSQB expr RSQB>
        c = [v[-2]]
        del v[-3:]
        return cb45(c)

    def r100(v):  # <postfix : LSQB RSQB>
        c = [None]
        del v[-2:]
        return cb45(c)

    def r101(v):  # <postfix : LSQB expr __postfix_plus_10 RSQB>
        c = [v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb46(c)

    def r102(v):  # <postfix : DICT_LBRACE pair __postfix_star_9 COMMA RBRACE>
        c = [v[-5], v[-4]]
        c += v[-3].children
        del v[-5:]
        return cb47(c)

    def r103(v):  # <postfix : DICT_LBRACE pair __postfix_star_9 RBRACE>
        c = [v[-4], v[-3]]
        c += v[-2].children
        del v[-4:]
        return cb47(c)

    def r104(v):  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        c = [v[-4], v[-3]]
        del v[-4:]
        return cb47(c)

    def r105(v):  # <postfix : DICT_LBRACE pair RBRACE>
        c = [v[-3], v[-2]]
        del v[-3:]
        return cb47(c)

    def r106(v):  # <postfix : DICT_LBRACE RBRACE>
        c = [v[-2], None]
        del v[-2:]
        return cb47(c)

    def r107(v):  # <postfix : DICT_LBRACE expr COLON expr __postfix_plus_10 RBRACE>
        c = [v[-6], v[-5], v[-3]]
        c += v[-2].children
        del v[-6:]
        return cb48(c)

    def r108(v):  # <postfix : postfix LPAR args RPAR>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb49(c)

    def r109(v):  # <postfix : postfix LPAR RPAR>
        c = [v[-3], None]
        del v[-3:]
        return cb49(c)

    def r110(v):  # <postfix : postfix LPAR expr __postfix_plus_10 RPAR>
        c = [v[-5], v[-3]]
        c += v[-2].children
        del v[-5:]
        return cb50(c)

    def r111(v):  # <postfix : postfix LSQB subscript RSQB>
        c = [v[-4], v[-2]]
        del v[-4:]
        return cb51(c)

    def r112(v):  # <postfix : postfix DOT NAME>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb52(c)

    def r113(v):  # <args : arg __args_star_11 COMMA>
        c = [v[-3]]
        c += v[-2].children
        del v[-3:]
        return cb53(c)

    def r114(v):  # <args : arg __args_star_11>
        c = [v[-2]]
        c += v[-1].children
        del v[-2:]
        return cb53(c)

    def r115(v):  # <args : arg COMMA>
        c = [v[-2]]
        del v[-2:]
        return cb53(c)

    def r116(v):  # <args : arg>
        c = [v.pop()]
        return cb53(c)

    def r118(v):  # <arg : NAME EQUAL expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb54(c)

    def r119(v):  # <pair : expr COLON expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb55(c)

    def r120(v):  # <comp_for : FOR target_list IN disj __comp_for_star_12>
        c = [v[-4], v[-2]]
        c += v[-1].children
        del v[-5:]
        return cb56(c)

    def r121(v):  # <comp_for : FOR target_list IN disj>
        c = [v[-3], v[-1]]
        del v[-4:]
        return cb56(c)

    def r122(v):  # <subscript : _sub_item>
        c = v[-1].children
        del v[-1:]
        return c[0] if len(c) == 1 else cb57(c)

    def r123(v):  # <subscript : _sub_item COMMA>
        c = v[-2].children
        del v[-2:]
        return cb58(c)

    def r124(v):  # <subscript : _sub_item __subscript_plus_13 COMMA>
        c = v[-3].children
        c += v[-2].children
        del v[-3:]
        return cb58(c)

    def r125(v):  # <subscript : _sub_item __subscript_plus_13>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb58(c)

    def r126(v):  # <_sub_item : expr>
        c = [v.pop()]
        return cb59(c)

    def r127(v):  # <_sub_item : slice>
        c = [v.pop()]
        return cb59(c)

    def r128(v):  # <_sub_item : ELLIPSIS>
        c = [v.pop()]
        return cb59(c)

    def r129(v):  # <slice : expr COLON expr>
        c = [v[-3], v[-1]]
        del v[-3:]
        return cb60(c)

    def r130(v):  # <slice : expr COLON>
        c = [v[-2], None]
        del v[-2:]
        return cb60(c)

    def r131(v):  # <slice : COLON expr>
        c = [None, v[-1]]
        del v[-2:]
        return cb60(c)

    def r132(v):  # <slice : COLON>
        c = [None, None]
        del v[-1:]
        return cb60(c)

    def r133(v):  # <slice : expr COLON expr COLON expr>
        c = [v[-5], v[-3], v[-1]]
        del v[-5:]
        return cb61(c)

    def r134(v):  # <slice : expr COLON expr COLON>
        c = [v[-4], v[-2], None]
        del v[-4:]
        return cb61(c)

    def r135(v):  # <slice : expr COLON COLON expr>
        c = [v[-4], None, v[-1]]
        del v[-4:]
        return cb61(c)

    def r136(v):  # <slice : expr COLON COLON>
        c = [v[-3], None, None]
        del v[-3:]
        return cb61(c)

    def r137(v):  # <slice : COLON expr COLON expr>
        c = [None, v[-3], v[-1]]
        del v[-4:]
        return cb61(c)

    def r138(v):  # <slice : COLON expr COLON>
        c = [None, v[-2], None]
        del v[-3:]
        return cb61(c)

    def r139(v):  # <slice : COLON COLON expr>
        c = [None, None, v[-1]]
        del v[-3:]
        return cb61(c)

    def r140(v):  # <slice : COLON COLON>
        c = [None, None, None]
        del v[-2:]
        return cb61(c)

    def r141(v):  # <__module_star_0 : _NL>
        c = []
        del v[-1:]
        return cb62(c)

    def r142(v):  # <__module_star_0 : _top>
        c = v[-1].children
        del v[-1:]
        return cb62(c)

    def r143(v):  # <__module_star_0 : __module_star_0 _NL>
        c = v[-2].children
        del v[-2:]
        return cb62(c)

    def r144(v):  # <__module_star_0 : __module_star_0 _top>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb62(c)

    def r145(v):  # <__params_star_1 : COMMA param>
        c = [v[-1]]
        del v[-2:]
        return cb63(c)

    def r146(v):  # <__params_star_1 : __params_star_1 COMMA param>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb63(c)

    def r147(v):  # <__body_star_2 : _NL>
        c = []
        del v[-1:]
        return cb64(c)

    def r148(v):  # <__body_star_2 : _stmt>
        c = v[-1].children
        del v[-1:]
        return cb64(c)

    def r149(v):  # <__body_star_2 : __body_star_2 _NL>
        c = v[-2].children
        del v[-2:]
        return cb64(c)

    def r150(v):  # <__body_star_2 : __body_star_2 _stmt>
        c = v[-2].children
        c += v[-1].children
        del v[-2:]
        return cb64(c)

    def r151(v):  # <__ext_params_star_3 : COMMA ext_param>
        c = [v[-1]]
        del v[-2:]
        return cb65(c)

    def r152(v):  # <__ext_params_star_3 : __ext_params_star_3 COMMA ext_param>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb65(c)

    def r153(v):  # <__ext_body_star_4 : _NL>
        c = []
        del v[-1:]
        return cb66(c)

    def r154(v):  # <__ext_body_star_4 : _ext_item _NL>
        c = v[-2].children
        del v[-2:]
        return cb66(c)

    def r155(v):  # <__ext_body_star_4 : __ext_body_star_4 _NL>
        c = v[-2].children
        del v[-2:]
        return cb66(c)

    def r156(v):  # <__ext_body_star_4 : __ext_body_star_4 _ext_item _NL>
        c = v[-3].children
        c += v[-2].children
        del v[-3:]
        return cb66(c)

    def r157(v):  # <__assign_star_5 : COMMA NAME>
        c = [v[-1]]
        del v[-2:]
        return cb67(c)

    def r158(v):  # <__assign_star_5 : __assign_star_5 COMMA NAME>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb67(c)

    def r159(v):  # <__return_stmt_star_6 : COMMA expr>
        c = [v[-1]]
        del v[-2:]
        return cb68(c)

    def r160(v):  # <__return_stmt_star_6 : __return_stmt_star_6 COMMA expr>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb68(c)

    def r161(v):  # <__target_list_plus_7 : COMMA target_item>
        c = [v[-1]]
        del v[-2:]
        return cb69(c)

    def r162(v):  # <__target_list_plus_7 : __target_list_plus_7 COMMA target_item>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb69(c)

    def r163(v):  # <__disj_star_8 : _binop operand>
        c = v[-2].children
        c += [v[-1]]
        del v[-2:]
        return cb70(c)

    def r164(v):  # <__disj_star_8 : __disj_star_8 _binop operand>
        c = v[-3].children
        c += v[-2].children
        c += [v[-1]]
        del v[-3:]
        return cb70(c)

    def r165(v):  # <__postfix_star_9 : COMMA pair>
        c = [v[-1]]
        del v[-2:]
        return cb71(c)

    def r166(v):  # <__postfix_star_9 : __postfix_star_9 COMMA pair>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb71(c)

    def r167(v):  # <__postfix_plus_10 : comp_for>
        c = [v.pop()]
        return cb72(c)

    def r168(v):  # <__postfix_plus_10 : __postfix_plus_10 comp_for>
        c = v[-2].children
        c += [v[-1]]
        del v[-2:]
        return cb72(c)

    def r169(v):  # <__args_star_11 : COMMA arg>
        c = [v[-1]]
        del v[-2:]
        return cb73(c)

    def r170(v):  # <__args_star_11 : __args_star_11 COMMA arg>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb73(c)

    def r171(v):  # <__comp_for_star_12 : IF disj>
        c = [v[-1]]
        del v[-2:]
        return cb74(c)

    def r172(v):  # <__comp_for_star_12 : __comp_for_star_12 IF disj>
        c = v[-3].children
        c += [v[-1]]
        del v[-3:]
        return cb74(c)

    def r173(v):  # <__subscript_plus_13 : COMMA _sub_item>
        c = v[-1].children
        del v[-2:]
        return cb75(c)

    def r174(v):  # <__subscript_plus_13 : __subscript_plus_13 COMMA _sub_item>
        c = v[-3].children
        c += v[-1].children
        del v[-3:]
        return cb75(c)

    return (
        (1, 'module', r0),  # <module : __module_star_0>
        (0, 'module', r1),  # <module : >
        (2, '_top', r2),  # <_top : use_stmt _NL>
        (2, '_top', r3),  # <_top : const_stmt _NL>
        (1, '_top', r4),  # <_top : block_def>
        (1, '_top', r5),  # <_top : model_def>
        (1, '_top', r6),  # <_top : extern_def>
        (2, 'use_stmt', r7),  # <use_stmt : USE STRING>
        (3, 'const_stmt', r8),  # <const_stmt : NAME EQUAL expr>
        (4, 'block_def', r9),  # <block_def : BLOCK NAME params body>
        (3, 'block_def', r10),  # <block_def : BLOCK NAME body>
        (4, 'model_def', r11),  # <model_def : MODEL NAME params body>
        (3, 'model_def', r12),  # <model_def : MODEL NAME body>
        (5, 'params', r13),  # <params : LPAR param __params_star_1 COMMA RPAR>
        (4, 'params', r14),  # <params : LPAR param __params_star_1 RPAR>
        (4, 'params', r15),  # <params : LPAR param COMMA RPAR>
        (3, 'params', r16),  # <params : LPAR param RPAR>
        (2, 'params', r17),  # <params : LPAR RPAR>
        (3, 'param', r18),  # <param : NAME EQUAL expr>
        (1, 'param', r19),  # <param : NAME>
        (3, 'body', r20),  # <body : LBRACE __body_star_2 RBRACE>
        (2, 'body', r21),  # <body : LBRACE RBRACE>
        (5, 'extern_def', r22),  # <extern_def : EXTERN NAME NAME ext_params ext_body>
        (4, 'extern_def', r23),  # <extern_def : EXTERN NAME NAME ext_body>
        (5, 'ext_params', r24),  # <ext_params : LPAR ext_param __ext_params_star_3 COMMA RPAR>
        (4, 'ext_params', r25),  # <ext_params : LPAR ext_param __ext_params_star_3 RPAR>
        (4, 'ext_params', r26),  # <ext_params : LPAR ext_param COMMA RPAR>
        (3, 'ext_params', r27),  # <ext_params : LPAR ext_param RPAR>
        (2, 'ext_params', r28),  # <ext_params : LPAR RPAR>
        (5, 'ext_param', r29),  # <ext_param : NAME COLON NAME EQUAL expr>
        (3, 'ext_param', r30),  # <ext_param : NAME COLON NAME>
        (3, 'ext_param', r31),  # <ext_param : NAME EQUAL expr>
        (1, 'ext_param', r32),  # <ext_param : NAME>
        (3, 'ext_body', r33),  # <ext_body : LBRACE __ext_body_star_4 RBRACE>
        (2, 'ext_body', r34),  # <ext_body : LBRACE RBRACE>
        (1, '_ext_item', r35),  # <_ext_item : ext_field>
        (1, '_ext_item', r36),  # <_ext_item : ext_rule>
        (1, '_ext_item', r37),  # <_ext_item : ext_call>
        (3, 'ext_field', r38),  # <ext_field : NAME EQUAL expr>
        (4, 'ext_rule', r39),  # <ext_rule : NAME ext_params EQUAL expr>
        (2, 'ext_call', r40),  # <ext_call : NAME ext_params>
        (2, '_stmt', r41),  # <_stmt : _simple _NL>
        (1, '_stmt', r42),  # <_stmt : for_stmt>
        (1, '_stmt', r43),  # <_stmt : if_stmt>
        (1, '_simple', r44),  # <_simple : assign>
        (1, '_simple', r45),  # <_simple : share_stmt>
        (1, '_simple', r46),  # <_simple : output_stmt>
        (1, '_simple', r47),  # <_simple : output_list>
        (1, '_simple', r48),  # <_simple : return_stmt>
        (1, '_simple', r49),  # <_simple : expr_stmt>
        (4, 'assign', r50),  # <assign : NAME __assign_star_5 EQUAL expr>
        (3, 'assign', r51),  # <assign : NAME EQUAL expr>
        (4, 'share_stmt', r52),  # <share_stmt : SHARE NAME EQUAL expr>
        (4, 'output_stmt', r53),  # <output_stmt : OUTPUT NAME EQUAL expr>
        (3, 'output_list', r54),  # <output_list : OUTPUT NAME __assign_star_5>
        (2, 'output_list', r55),  # <output_list : OUTPUT NAME>
        (3, 'return_stmt', r56),  # <return_stmt : RETURN expr __return_stmt_star_6>
        (2, 'return_stmt', r57),  # <return_stmt : RETURN expr>
        (1, 'expr_stmt', r58),  # <expr_stmt : expr>
        (5, 'for_stmt', r59),  # <for_stmt : FOR target_list IN expr body>
        (5, 'if_stmt', r60),  # <if_stmt : IF expr body ELSE body>
        (5, 'if_stmt', r61),  # <if_stmt : IF expr body ELSE if_stmt>
        (3, 'if_stmt', r62),  # <if_stmt : IF expr body>
        (1, 'target_list', None),  # <target_list : target_item>
        (2, 'target_list', r64),  # <target_list : target_item COMMA>
        (3, 'target_list', r65),  # <target_list : target_item __target_list_plus_7 COMMA>
        (2, 'target_list', r66),  # <target_list : target_item __target_list_plus_7>
        (1, 'target_item', r67),  # <target_item : NAME>
        (3, 'target_item', r68),  # <target_item : LPAR target_list RPAR>
        (1, 'expr', None),  # <expr : disj>
        (5, 'expr', r70),  # <expr : disj IF disj ELSE expr>
        (2, 'disj', r71),  # <disj : operand __disj_star_8>
        (1, 'disj', r72),  # <disj : operand>
        (1, '_binop', r73),  # <_binop : ADD_OP>
        (1, '_binop', r74),  # <_binop : MUL_OP>
        (1, '_binop', r75),  # <_binop : COMP_OP>
        (1, '_binop', r76),  # <_binop : AND>
        (1, '_binop', r77),  # <_binop : OR>
        (2, 'operand', r78),  # <operand : NOT operand>
        (2, 'operand', r79),  # <operand : ADD_OP operand>
        (3, 'operand', r80),  # <operand : postfix POW operand>
        (1, 'operand', None),  # <operand : postfix>
        (1, 'postfix', r82),  # <postfix : NAME>
        (1, 'postfix', r83),  # <postfix : NUMBER>
        (1, 'postfix', r84),  # <postfix : STRING>
        (1, 'postfix', r85),  # <postfix : FSTRING>
        (1, 'postfix', r86),  # <postfix : TRUE>
        (1, 'postfix', r87),  # <postfix : FALSE>
        (1, 'postfix', r88),  # <postfix : NONE>
        (3, 'postfix', r89),  # <postfix : LPAR expr RPAR>
        (2, 'postfix', r90),  # <postfix : LPAR RPAR>
        (7, 'postfix', r91),  # <postfix : LPAR expr COMMA expr __return_stmt_star_6 COMMA RPAR>
        (6, 'postfix', r92),  # <postfix : LPAR expr COMMA expr __return_stmt_star_6 RPAR>
        (6, 'postfix', r93),  # <postfix : LPAR expr COMMA expr COMMA RPAR>
        (5, 'postfix', r94),  # <postfix : LPAR expr COMMA expr RPAR>
        (4, 'postfix', r95),  # <postfix : LPAR expr COMMA RPAR>
        (5, 'postfix', r96),  # <postfix : LSQB expr __return_stmt_star_6 COMMA RSQB>
        (4, 'postfix', r97),  # <postfix : LSQB expr __return_stmt_star_6 RSQB>
        (4, 'postfix', r98),  # <postfix : LSQB expr COMMA RSQB>
        (3, 'postfix', r99),  # <postfix : LSQB expr RSQB>
        (2, 'postfix', r100),  # <postfix : LSQB RSQB>
        (4, 'postfix', r101),  # <postfix : LSQB expr __postfix_plus_10 RSQB>
        (5, 'postfix', r102),  # <postfix : DICT_LBRACE pair __postfix_star_9 COMMA RBRACE>
        (4, 'postfix', r103),  # <postfix : DICT_LBRACE pair __postfix_star_9 RBRACE>
        (4, 'postfix', r104),  # <postfix : DICT_LBRACE pair COMMA RBRACE>
        (3, 'postfix', r105),  # <postfix : DICT_LBRACE pair RBRACE>
        (2, 'postfix', r106),  # <postfix : DICT_LBRACE RBRACE>
        (6, 'postfix', r107),  # <postfix : DICT_LBRACE expr COLON expr __postfix_plus_10 RBRACE>
        (4, 'postfix', r108),  # <postfix : postfix LPAR args RPAR>
        (3, 'postfix', r109),  # <postfix : postfix LPAR RPAR>
        (5, 'postfix', r110),  # <postfix : postfix LPAR expr __postfix_plus_10 RPAR>
        (4, 'postfix', r111),  # <postfix : postfix LSQB subscript RSQB>
        (3, 'postfix', r112),  # <postfix : postfix DOT NAME>
        (3, 'args', r113),  # <args : arg __args_star_11 COMMA>
        (2, 'args', r114),  # <args : arg __args_star_11>
        (2, 'args', r115),  # <args : arg COMMA>
        (1, 'args', r116),  # <args : arg>
        (1, 'arg', None),  # <arg : expr>
        (3, 'arg', r118),  # <arg : NAME EQUAL expr>
        (3, 'pair', r119),  # <pair : expr COLON expr>
        (5, 'comp_for', r120),  # <comp_for : FOR target_list IN disj __comp_for_star_12>
        (4, 'comp_for', r121),  # <comp_for : FOR target_list IN disj>
        (1, 'subscript', r122),  # <subscript : _sub_item>
        (2, 'subscript', r123),  # <subscript : _sub_item COMMA>
        (3, 'subscript', r124),  # <subscript : _sub_item __subscript_plus_13 COMMA>
        (2, 'subscript', r125),  # <subscript : _sub_item __subscript_plus_13>
        (1, '_sub_item', r126),  # <_sub_item : expr>
        (1, '_sub_item', r127),  # <_sub_item : slice>
        (1, '_sub_item', r128),  # <_sub_item : ELLIPSIS>
        (3, 'slice', r129),  # <slice : expr COLON expr>
        (2, 'slice', r130),  # <slice : expr COLON>
        (2, 'slice', r131),  # <slice : COLON expr>
        (1, 'slice', r132),  # <slice : COLON>
        (5, 'slice', r133),  # <slice : expr COLON expr COLON expr>
        (4, 'slice', r134),  # <slice : expr COLON expr COLON>
        (4, 'slice', r135),  # <slice : expr COLON COLON expr>
        (3, 'slice', r136),  # <slice : expr COLON COLON>
        (4, 'slice', r137),  # <slice : COLON expr COLON expr>
        (3, 'slice', r138),  # <slice : COLON expr COLON>
        (3, 'slice', r139),  # <slice : COLON COLON expr>
        (2, 'slice', r140),  # <slice : COLON COLON>
        (1, '__module_star_0', r141),  # <__module_star_0 : _NL>
        (1, '__module_star_0', r142),  # <__module_star_0 : _top>
        (2, '__module_star_0', r143),  # <__module_star_0 : __module_star_0 _NL>
        (2, '__module_star_0', r144),  # <__module_star_0 : __module_star_0 _top>
        (2, '__params_star_1', r145),  # <__params_star_1 : COMMA param>
        (3, '__params_star_1', r146),  # <__params_star_1 : __params_star_1 COMMA param>
        (1, '__body_star_2', r147),  # <__body_star_2 : _NL>
        (1, '__body_star_2', r148),  # <__body_star_2 : _stmt>
        (2, '__body_star_2', r149),  # <__body_star_2 : __body_star_2 _NL>
        (2, '__body_star_2', r150),  # <__body_star_2 : __body_star_2 _stmt>
        (2, '__ext_params_star_3', r151),  # <__ext_params_star_3 : COMMA ext_param>
        (3, '__ext_params_star_3', r152),  # <__ext_params_star_3 : __ext_params_star_3 COMMA ext_param>
        (1, '__ext_body_star_4', r153),  # <__ext_body_star_4 : _NL>
        (2, '__ext_body_star_4', r154),  # <__ext_body_star_4 : _ext_item _NL>
        (2, '__ext_body_star_4', r155),  # <__ext_body_star_4 : __ext_body_star_4 _NL>
        (3, '__ext_body_star_4', r156),  # <__ext_body_star_4 : __ext_body_star_4 _ext_item _NL>
        (2, '__assign_star_5', r157),  # <__assign_star_5 : COMMA NAME>
        (3, '__assign_star_5', r158),  # <__assign_star_5 : __assign_star_5 COMMA NAME>
        (2, '__return_stmt_star_6', r159),  # <__return_stmt_star_6 : COMMA expr>
        (3, '__return_stmt_star_6', r160),  # <__return_stmt_star_6 : __return_stmt_star_6 COMMA expr>
        (2, '__target_list_plus_7', r161),  # <__target_list_plus_7 : COMMA target_item>
        (3, '__target_list_plus_7', r162),  # <__target_list_plus_7 : __target_list_plus_7 COMMA target_item>
        (2, '__disj_star_8', r163),  # <__disj_star_8 : _binop operand>
        (3, '__disj_star_8', r164),  # <__disj_star_8 : __disj_star_8 _binop operand>
        (2, '__postfix_star_9', r165),  # <__postfix_star_9 : COMMA pair>
        (3, '__postfix_star_9', r166),  # <__postfix_star_9 : __postfix_star_9 COMMA pair>
        (1, '__postfix_plus_10', r167),  # <__postfix_plus_10 : comp_for>
        (2, '__postfix_plus_10', r168),  # <__postfix_plus_10 : __postfix_plus_10 comp_for>
        (2, '__args_star_11', r169),  # <__args_star_11 : COMMA arg>
        (3, '__args_star_11', r170),  # <__args_star_11 : __args_star_11 COMMA arg>
        (2, '__comp_for_star_12', r171),  # <__comp_for_star_12 : IF disj>
        (3, '__comp_for_star_12', r172),  # <__comp_for_star_12 : __comp_for_star_12 IF disj>
        (2, '__subscript_plus_13', r173),  # <__subscript_plus_13 : COMMA _sub_item>
        (3, '__subscript_plus_13', r174),  # <__subscript_plus_13 : __subscript_plus_13 COMMA _sub_item>
    )
