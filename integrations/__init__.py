"""Clients for the outside world (Odoo, Slack, outbound webhooks). They know nothing of Temporal."""
