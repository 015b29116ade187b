"""REST homes of the CRM tables: XML-RPC field -> where REST v2 keeps it."""

from __future__ import annotations

from ..sources import RestList
from . import RestHome
from .mapping import in_list, joined


def _address(slot: str, columns: tuple[str, ...]) -> dict:
    keys = ("line1", "line2", "locality", "region", "postal_code", "zip_four", "country")
    return {column: in_list("addresses", slot, key) for column, key in zip(columns, keys)}


CONTACT = RestHome(
    source=RestList("/contacts", "contacts", window=("start_update_time", "end_update_time"), fields=True,
                    params={"order_by": "id asc"}),
    detail="/contacts/{id}",
    custom_fields="/contacts/model",
    fields={
        "Id": "id", "FirstName": "given_name", "LastName": "family_name", "MiddleName": "middle_name",
        "Nickname": "preferred_name", "Title": "prefix", "Suffix": "suffix", "SpouseName": "spouse_name",
        "Website": "website", "JobTitle": "job_title", "ContactType": "contact_type", "TimeZone": "time_zone",
        "Language": "preferred_locale", "OwnerID": "owner_id", "LeadSourceId": "leadsource_id",
        "CreatedBy": "created_by", "LastUpdatedBy": "last_updated_by",
        "Company": "company.company_name", "CompanyID": "company.id",
        "Email": in_list("email_addresses", "EMAIL1", "email"),
        "EmailAddress2": in_list("email_addresses", "EMAIL2", "email"),
        "EmailAddress3": in_list("email_addresses", "EMAIL3", "email"),
        **{f"Phone{i}": in_list("phone_numbers", f"PHONE{i}", "number") for i in range(1, 6)},
        **{f"Phone{i}Type": in_list("phone_numbers", f"PHONE{i}", "type") for i in range(1, 6)},
        **{f"Phone{i}Ext": in_list("phone_numbers", f"PHONE{i}", "extension") for i in range(1, 6)},
        **{f"Fax{i}": in_list("fax_numbers", f"FAX{i}", "number") for i in (1, 2)},
        **{f"Fax{i}Type": in_list("fax_numbers", f"FAX{i}", "type") for i in (1, 2)},
        **_address("BILLING", ("StreetAddress1", "StreetAddress2", "City", "State", "PostalCode", "ZipFour1",
                               "Country")),
        **_address("SHIPPING", ("Address2Street1", "Address2Street2", "City2", "State2", "PostalCode2",
                                "ZipFour2", "Country2")),
        **_address("OTHER", ("Address3Street1", "Address3Street2", "City3", "State3", "PostalCode3",
                             "ZipFour3", "Country3")),
        "Birthday": "birth_date", "Anniversary": "anniversary_date", "Groups": joined("tag_ids"),
        "DateCreated": "create_time", "LastUpdated": "update_time",
    },
)

HOMES: dict[str, RestHome] = {"Contact": CONTACT}
