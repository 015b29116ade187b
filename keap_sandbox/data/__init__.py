"""The sandbox tenant's data: :class:`~.dataset.Dataset` and the domains that fill its legacy tables.

* :mod:`.dataset` — the deterministic tenant (contacts, commission programs) and its domains' tables
* :mod:`.pools` — value pools and generation constants
* :mod:`.crm`, :mod:`.crm_activity` — CRM tables; :mod:`.ecommerce` (+ :mod:`.ecommerce_codes`,
  :mod:`.ecommerce_sales`) — e-commerce tables; :mod:`.affiliates` — affiliate tables
* :mod:`.affiliate_ledger` — per-affiliate, time-indexed views shared by the REST and XML-RPC facades

Nothing here knows HTTP: the facades (:mod:`keap_sandbox.rest`, :mod:`keap_sandbox.xmlrpc`) render from it.
"""
