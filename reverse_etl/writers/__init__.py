"""One writer per system: the push's only way to change records in a CRM (see base.py)."""

from connectors.base import Client
from reverse_etl.writers.base import Request, Result, Write, Writer
from reverse_etl.writers.crmoffice import CRMOfficeWriter
from reverse_etl.writers.customcrm import CustomCRMWriter
from reverse_etl.writers.exact import ExactWriter
from reverse_etl.writers.poweroffice import PowerOfficeWriter
from reverse_etl.writers.webcrm import WebCRMWriter
from reverse_etl.writers.zohocrm import ZohoCRMWriter

WRITERS: dict[str, type[Writer]] = {
    cls.system: cls
    for cls in (ZohoCRMWriter, PowerOfficeWriter, ExactWriter, WebCRMWriter, CRMOfficeWriter, CustomCRMWriter)
}


def writer_for(system: str, client: Client) -> Writer:
    """The system's writer, sending through its client."""
    try:
        return WRITERS[system](client)
    except KeyError:
        raise ValueError(f"no writer for system {system!r}; known: {', '.join(WRITERS)}") from None


__all__ = ["WRITERS", "Request", "Result", "Write", "Writer", "writer_for"]
