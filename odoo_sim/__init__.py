"""An Odoo 17 double that speaks Odoo's external JSON-RPC API as recorded in shared/odoo17/.

It is a test and demo component, not a fake inside Govern: Govern talks to it over HTTP
through unmodified odoorpc, exactly as it talks to a real Odoo.
"""

from odoo_sim.server import OdooSim

__all__ = ["OdooSim"]
