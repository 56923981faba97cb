" Vim syntax file for GDL, the graph language of graphc (*.gdl).
" The same categories as editors/gdl.tmLanguage.json.
if exists("b:current_syntax")
  finish
endif

syn keyword gdlDefine model block nextgroup=gdlDefName skipwhite
syn keyword gdlDefine extern nextgroup=gdlExternKind skipwhite
syn keyword gdlExternKind layer loss metric contained nextgroup=gdlDefName skipwhite
syn match gdlDefName "\h\w*" contained
syn keyword gdlStatement share output
syn keyword gdlInclude use
syn keyword gdlRepeat for in
syn keyword gdlConditional if else
syn keyword gdlStatement return
syn keyword gdlOperator and or not
syn keyword gdlBoolean true false True False
syn keyword gdlNone None

syn match gdlBuiltin "\<\%(compile\|fit\|range\|len\|min\|max\|abs\|int\|float\|str\|round\|sqrt\|ceil\|floor\|error\)\ze\s*("
syn match gdlBuiltin "\<\%(add\|subtract\|multiply\|average\|maximum\|minimum\|concatenate\|dot\)\ze\s*("
syn match gdlLayer "\<\u\w*\ze\s*("
syn match gdlKeywordArg "\<\h\w*\ze\s*=[^=]" contained

syn match gdlNumber "\%(\w\|\.\)\@<!\%(\d\+\.\d*\|\.\d\+\|\d\+\)\%([eE][-+]\=\d\+\)\=\%(\w\|\.\)\@!"
syn match gdlEscape "\\\%(x\x\{2}\|u\x\{4}\|U\x\{8}\|.\)" contained
syn region gdlString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=gdlEscape oneline
syn region gdlString start=+'+ skip=+\\\\\|\\'+ end=+'+ end=+$+ contains=gdlEscape oneline
syn region gdlField matchgroup=gdlFieldDelim start="{" end="}" end=+\ze["']+ contained contains=gdlNumber,gdlBoolean,gdlNone,gdlOperator
syn match gdlFieldEscape "{{\|}}" contained
syn region gdlFString start=+[fF]"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=gdlEscape,gdlFieldEscape,gdlField oneline
syn region gdlFString start=+[fF]'+ skip=+\\\\\|\\'+ end=+'+ end=+$+ contains=gdlEscape,gdlFieldEscape,gdlField oneline
syn match gdlComment "#.*$" contains=@Spell

" keyword arguments: a name followed by `=` inside parentheses
syn cluster gdlExpr contains=gdlDefine,gdlStatement,gdlInclude,gdlRepeat,gdlConditional,gdlOperator,gdlBoolean,gdlNone,gdlBuiltin,gdlLayer,gdlNumber,gdlString,gdlFString,gdlComment,gdlParens
syn region gdlParens start="(" end=")" contains=@gdlExpr,gdlKeywordArg transparent

hi def link gdlDefine Define
hi def link gdlDefName Function
hi def link gdlExternKind Define
hi def link gdlStatement Statement
hi def link gdlInclude Include
hi def link gdlRepeat Repeat
hi def link gdlConditional Conditional
hi def link gdlOperator Operator
hi def link gdlBoolean Boolean
hi def link gdlNone Constant
hi def link gdlBuiltin Function
hi def link gdlLayer Type
hi def link gdlKeywordArg Identifier
hi def link gdlNumber Number
hi def link gdlString String
hi def link gdlFString String
hi def link gdlEscape SpecialChar
hi def link gdlFieldEscape SpecialChar
hi def link gdlFieldDelim Delimiter
hi def link gdlComment Comment

let b:current_syntax = "gdl"
