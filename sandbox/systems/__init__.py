"""The six emulated systems, in the order the server mounts and describes them."""

from sandbox.system import System
from sandbox.systems.crmoffice import CRMOffice
from sandbox.systems.customcrm import CustomCRM
from sandbox.systems.exact import ExactOnline
from sandbox.systems.poweroffice import PowerOffice
from sandbox.systems.webcrm import WebCRM
from sandbox.systems.zohocrm import ZohoCRM

SYSTEMS: tuple[type[System], ...] = (ZohoCRM, PowerOffice, ExactOnline, WebCRM, CRMOffice, CustomCRM)
