"""One httpx client per system (auth, paging, rate limits, retries), shared by ingest and the push."""

from connectors.base import Client, CRMError, RetryPolicy
from connectors.crmoffice import CRMOfficeClient
from connectors.customcrm import CustomCRMClient
from connectors.exact import ExactClient
from connectors.poweroffice import PowerOfficeClient
from connectors.webcrm import WebCRMClient
from connectors.zohocrm import ZohoCRMClient

CLIENTS: dict[str, type[Client]] = {
    cls.system: cls
    for cls in (ZohoCRMClient, PowerOfficeClient, ExactClient, WebCRMClient, CRMOfficeClient, CustomCRMClient)
}

__all__ = ["CLIENTS", "CRMError", "Client", "RetryPolicy"]
