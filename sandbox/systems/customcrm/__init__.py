"""Custom CRM: the customer's own system, with the contract the project fixed (spec section 6b)."""

from sandbox.systems.customcrm.api import CustomCRM

__all__ = ["CustomCRM"]
