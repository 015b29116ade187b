"""Keap's legacy XML-RPC API, imitated: :mod:`.endpoint` (parse, dispatch, answer), :mod:`.marshal`
(Keap's wire form), :mod:`.query` and :mod:`.schema` (DataService's query syntax and table schema),
and the methods by service: :mod:`.data_service` (DataService, ContactService, FileService,
WebFormService, SearchService), :mod:`.ecommerce`, :mod:`.affiliates`."""
