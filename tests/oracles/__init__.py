"""Independent oracles: readers rewritten from the source of the program that really reads the file.

They import nothing from the collection (plugins/), so the collection's writers can be tested against
them. Importable from the tests (tests/ is on sys.path) and from the molecule tests (which put tests/ on
sys.path themselves).
"""
