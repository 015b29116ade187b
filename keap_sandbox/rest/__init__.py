"""Keap's REST API, imitated: v2 (:mod:`.v2` conventions, :mod:`.listing` the declared list endpoints)
and v1 (:mod:`.v1` conventions), by domain: :mod:`.contacts`, :mod:`.crm` (+ :mod:`.crm_records`,
:mod:`.crm_handlers`, :mod:`.v1_crm`), :mod:`.ecommerce` (+ :mod:`.ecommerce_records`,
:mod:`.ecommerce_v1`), :mod:`.affiliates` (+ :mod:`.affiliates_v1`); :mod:`.routes` routes them."""
