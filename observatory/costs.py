"""The cost of one transfer (DESIGN §5), for any quote: surveyed or declared.

fee % = F / A × 100; FX margin % = (1 − r / r_ib) × 100; total = fee % + FX margin %.
"""


def quote_costs(amount, fee, exchange_rate, interbank_rate):
    """{"fee_pct", "fx_margin_pct", "total_cost_pct"} of sending ``amount``
    (sender's currency) for ``fee`` at ``exchange_rate`` against ``interbank_rate``."""
    if amount <= 0 or interbank_rate <= 0:
        raise ValueError("amount and interbank rate must be positive")
    fee_pct = fee / amount * 100
    fx_margin_pct = (1 - exchange_rate / interbank_rate) * 100
    return {"fee_pct": round(fee_pct, 4), "fx_margin_pct": round(fx_margin_pct, 4),
            "total_cost_pct": round(fee_pct + fx_margin_pct, 4)}
