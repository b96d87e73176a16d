"""Pure analysis functions: DataFrames and arrays in, DataFrames out; no I/O, no plotting."""
