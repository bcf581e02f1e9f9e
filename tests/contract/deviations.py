"""Where odoo_sim deliberately answers differently from the recorded Odoo 17, and why.

Keyed by the recorded exchange's ``seq``; each entry names what is not compared.
"""

DEVIATIONS: dict[int, tuple[str, str]] = {
    # seq: (what is not compared, why)
    17: (
        "result values",
        "fields_get without attributes: the simulator returns the core "
        "attributes (type, string, relation, selection, required, readonly, store) plus the "
        "common flags, not every attribute Odoo computes (help, domain, context, groups...).",
    ),
    19: ("result values", "same as seq 17, for res.partner."),
    18: (
        "result values",
        "reading every field of res.users: computed fields Govern never uses "
        "answer their type's empty value.",
    ),
    21: ("result values", "same as seq 18, for res.partner."),
    108: ("result values", "read_group: the simulator's seed has its own expense states."),
}
