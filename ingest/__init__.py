"""The first floor: a file becomes a ParsedReport (loaders and formats read bytes; every other module is a
pure function from text to data). Imports nothing of index, assistant or ui."""
