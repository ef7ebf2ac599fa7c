"""From raw cells to orders: column detection, value parsing, normalisation and the load report."""
