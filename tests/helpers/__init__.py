"""What several test modules share: paths, the real-export cases, oracles, generators."""
