" GDL (graphc): *.gdl files
autocmd BufRead,BufNewFile *.gdl setfiletype gdl
