"""The GDL grammar (gdl.lark), its generated parser tables (gdl_tables.py) and their generator."""
