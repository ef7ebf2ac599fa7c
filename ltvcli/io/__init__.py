"""Reading inputs: paths, stdin, compression, encodings, CSV dialects, Excel and Parquet."""
