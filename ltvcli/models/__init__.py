"""Predictive models of customer behaviour, one per module; ``predict`` runs them.

Purchase counts: BG/NBD (``bgnbd``), MBG/NBD (``mbgnbd``), Pareto/NBD (``pareto``). Spend per
order: Gamma-Gamma (``gammagamma``). All are fitted by maximum likelihood (``fit``) on the
per-customer summary (``summary``) that the engine's customer table already holds.
"""
