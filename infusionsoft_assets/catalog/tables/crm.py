"""REST homes of the CRM tables: XML-RPC field -> where REST v2 keeps it.

Tables left without a REST home here, and why (read over XML-RPC until 2026-12-31):

* ``UserGroup``: ``/userGroups`` (Keap's v2 spec: ``{id, name}``, no ``OwnerId``) is not served by the
  sandbox this project is tested against, so a home could not be checked.
* ``Template``: v2 serves email templates only (``/emails/templates``; letters, faxes, voice broadcasts,
  fulfillment lists and task templates have no REST read), so it could not hold the table's rows; and
  the sandbox does not serve ``/emails/templates``.

Served by Keap's v2 spec but not by the sandbox, so left out until they can be checked: the custom-field
models ``/companies/model`` and ``/tasks/model`` (Company and ContactAction custom fields are absent over
REST), and the v2 fields the sandbox does not render: a company's ``created_by``, ``last_updated_by``,
address ``country`` and its contact-like fields (``first_name``, ``last_name``, ``middle_name``,
``preferred_name``, ``title``, ``suffix``, ``job_title``, ``contact_type``, ``owner_id``, ``referral_code``,
``spouse_name``, ``account_id``, ``assistant_name``, ``assistant_phone``, ``billing_information``,
``birth_date``, ``anniversary_date``, ``groups``); a user's ``address``, ``middle_name``, ``nickname``,
``spouse_name``, ``suffix``. The GETs by id of a tag category and of a stage move are Keap's
(``/tags/categories/{id}``, ``/opportunities/stageMoves/{id}``) but not the sandbox's either.
"""

from __future__ import annotations

from ..sources import FanOut, Listing, RestList
from . import RestHome
from .mapping import always, coded, flag, in_list, joined, via


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


# `fields` on the companies list may name only the properties left out by default (it adds them).
COMPANY = RestHome(
    source=RestList("/companies", "companies", window=("since_time", "until_time"),
                    params={"order_by": "id asc",
                            "fields": "address,email_address,phone_number,fax_number,notes,create_time,update_time"}),
    detail="/companies/{id}",
    fields={
        "Id": "id", "CompanyID": "id", "Company": "company_name", "Website": "website", "ContactNotes": "notes",
        "Email": "email_address.email", "Phone1": "phone_number.number", "Phone1Type": "phone_number.type",
        "Phone1Ext": "phone_number.extension", "Fax1": "fax_number.number", "Fax1Type": "fax_number.type",
        "StreetAddress1": "address.line1", "StreetAddress2": "address.line2", "City": "address.locality",
        "State": "address.region", "PostalCode": "address.postal_code", "ZipFour1": "address.zip_four",
        "DateCreated": "create_time", "LastUpdated": "update_time",
    },
    note="Not served: Country (v2 sends an ISO country_code, USA, where the table holds a name, United "
         "States); CreatedBy, LastUpdatedBy; custom fields (/companies/model is not read yet). By id the same "
         "fields= is sent (v2 leaves those properties out of one company too).",
)

#: v2 task ``priority`` -> ``ContactAction.Priority``.
PRIORITIES = {"CRITICAL": 1, "ESSENTIAL": 2, "NONESSENTIAL": 3}
#: v2 task ``type`` (upper case) -> ``ContactAction.ActionType``.
ACTION_TYPES = {"CALL": "Call", "EMAIL": "Email", "OTHER": "Other", "APPOINTMENT": "Appointment", "FAX": "Fax",
                "LETTER": "Letter"}


# ContactAction is three v2 lists (report-mapping.md §3, "Full, split over 3 resources"): tasks, notes and
# appointments (SDK 2.0.26's /taskAppointments, which compares its times with operators).
CONTACT_ACTION = RestHome(
    source=RestList("/tasks", "tasks", window=("since_time", "until_time")),
    fields={
        "Id": "id", "ContactId": "contact_id", "OpportunityId": "opportunity_id", "UserID": "assigned_to_user_id",
        "CreatedBy": "created_by_user_id", "LastUpdatedBy": "last_updated_by_user_id",
        "ObjectType": always("Task"), "IsAppointment": always(0),
        "ActionType": coded("type", ACTION_TYPES), "ActionDescription": "title", "CreationNotes": "description",
        "Priority": coded("priority", PRIORITIES), "ActionDate": "due_time", "CompletionDate": "completion_time",
        "CreationDate": "create_time", "LastUpdated": "modification_time",
    },
    also=(
        RestHome(source=RestList("/notes", "notes", window=("since_time", "until_time")), fields={
            "Id": "id", "ContactId": "contact_id", "UserID": "assigned_to_user.id",
            "CreatedBy": "created_by_user_id", "LastUpdatedBy": "last_updated_by_user_id",
            "ObjectType": always("Note"), "IsAppointment": always(0), "ActionType": "type",
            "ActionDescription": "title", "CreationNotes": "text", "CreationDate": "create_time",
            "LastUpdated": "update_time"}),
        RestHome(source=RestList("/taskAppointments", "taskAppointments", window=("update_time>=", "update_time<")),
                 fields={
            "Id": "id", "ContactId": "contact_id", "UserID": "user_id", "ObjectType": always("Appointment"),
            "IsAppointment": always(1), "ActionType": always("Appointment"), "ActionDescription": "title",
            "CreationNotes": "description", "ActionDate": "start_time", "EndDate": "end_time",
            "CreationDate": "create_time", "LastUpdated": "update_time"}),
    ),
    note="Not served: Accepted (v2 tasks send false where the table holds NULL), PopupDate; an appointment's "
         "Priority, CompletionDate, CreatedBy and LastUpdatedBy; custom fields (/tasks/model is not read "
         "yet). Record by ID reads XML-RPC: an id does not say which of the three lists holds it.",
)

CONTACT_GROUP = RestHome(
    source=RestList("/tags", "tags"),
    detail="/tags/{id}",
    fields={"Id": "id", "GroupName": "name", "GroupDescription": "description", "GroupCategoryId": "category.id"},
)

CONTACT_GROUP_CATEGORY = RestHome(
    source=RestList("/tags/categories", "tag_categories"),
    detail="/tags/categories/{id}",
    fields={"Id": "id", "CategoryName": "name", "CategoryDescription": "description"},
)

# Tag applications across up to 100 tags per request (SDK 2.0.26; the tag ids are required without a window).
CONTACT_GROUP_ASSIGN = RestHome(
    source=RestList("/tags/-/contacts", "contacts", window=("since_applied_time", "until_applied_time")),
    fan_out=FanOut("tag_ids", "tag_ids", bind="filter_all", all_from=Listing("/tags", "tags"), default_all=True,
                   description="tag ids, or all"),
    fields={"GroupId": "tag_id", "ContactId": "contact_id", "DateCreated": "applied_at"},
    note="Not served: ContactGroup (the tag's name) and the joined Contact.* columns (a tag application "
         "carries the contact's id only); removals are not visible.",
)

# /opportunities has no time filter: a run reads the list and keeps its days. `fields` may name only the
# optional properties (objection is a legacy-opportunities one).
LEAD = RestHome(
    source=RestList("/opportunities", "opportunities",
                    params={"fields": "custom_fields,created_by,last_updated_by,status_id,objection"}),
    detail="/opportunities/{id}",
    custom_fields="/opportunities/model",
    fields={
        "Id": "id", "ContactID": "contact.id", "UserID": "user.id", "StageID": "stage.id", "StatusID": "status_id",
        "OpportunityTitle": "opportunity_title", "OpportunityNotes": "opportunity_notes", "Objection": "objection",
        "NextActionDate": "next_action_time", "NextActionNotes": "next_action_notes",
        "EstimatedCloseDate": "estimated_close_time", "ProjectedRevenueLow": "projected_revenue_low",
        "ProjectedRevenueHigh": "projected_revenue_high", "Leadsource": "lead_source", "AffiliateId": "affiliate_id",
        "CreatedBy": "created_by", "LastUpdatedBy": "last_updated_by",
        "DateCreated": "created_time", "LastUpdated": "last_updated_time",
    },
    note="By id, v2 leaves out custom_fields, created_by, last_updated_by, status_id and objection unless "
         "fields= names them, which a detail cannot send yet.",
)

STAGE = RestHome(
    source=RestList("/opportunities/stages", "stages"),
    detail="/opportunities/stages/{id}",
    fields={"Id": "id", "StageName": "name", "StageOrder": "order", "TargetNumDays": "target_number_days"},
)

# /opportunities/stageMoves has no time filter: a run reads the list and keeps its days.
STAGE_MOVE = RestHome(
    source=RestList("/opportunities/stageMoves", "stage_moves", params={"order_by": "id asc"}),
    detail="/opportunities/stageMoves/{id}",
    fields={
        "Id": "id", "OpportunityId": "opportunity_id", "MoveFromStage": "move_from_stage_id",
        "MoveToStage": "move_to_stage_id", "MoveDate": "move_time", "PrevStageMoveDate": "prev_stage_move_time",
        "UserId": "user_id", "CreatedBy": "created_by", "DateCreated": "create_time",
    },
)

CAMPAIGN = RestHome(
    source=RestList("/campaigns", "campaigns"),
    detail="/campaigns/{id}",
    fields={"Id": "id", "Name": "name", "Status": coded("published_status", {True: "Active", False: "Inactive"})},
    note="Status is v2's published_status (published: Active).",
)

# The table holds every user; /users' filters include_inactive and include_partners say it leaves those out
# unless asked for (inferred from their names: the spec does not give their defaults).
USER = RestHome(
    source=RestList("/users", "users", filters=("include_inactive==true", "include_partners==true")),
    detail="/users/{id}",
    fields={
        "Id": "id", "FirstName": "given_name", "LastName": "family_name", "Title": "title",
        "Email": in_list("email_addresses", "EMAIL1", "email"),
        "EmailAddress2": in_list("email_addresses", "EMAIL2", "email"),
        "EmailAddress3": in_list("email_addresses", "EMAIL3", "email"),
        **{f"Phone{i}": in_list("phone_numbers", f"PHONE{i}", "number") for i in (1, 2)},
        **{f"Phone{i}Type": in_list("phone_numbers", f"PHONE{i}", "type") for i in (1, 2)},
        **{f"Phone{i}Ext": in_list("phone_numbers", f"PHONE{i}", "extension") for i in (1, 2)},
    },
    note="Not served: HTMLSignature, Signature (/users/{id}/signature, one call per user). Not mapped yet: "
         "the address (City, State, PostalCode, StreetAddress1/2, ZipFour1), MiddleName, Nickname, SpouseName, "
         "Suffix, which Keap's v2 User has but the sandbox does not render.",
)


def _extension(file_name: str) -> str | None:
    """``FileBox.Extension``: what follows the file name's last dot."""
    return file_name.rsplit(".", 1)[1] if "." in file_name else None


FILE_BOX = RestHome(
    source=RestList("/files", "files"),
    detail="/files/{id}",
    fields={
        "Id": "id", "FileName": "file_name", "Extension": via("file_name", _extension), "FileSize": "file_size",
        "Public": flag("is_public"), "ContactId": "contact_id",
    },
    note="Extension is taken from the file name.",
)

SAVED_FILTER = RestHome(
    source=RestList("/reporting/reports", "reports"),
    detail="/reporting/reports/{id}",
    fields={"Id": "id", "FilterName": "name", "UserId": joined("user_ids")},
    note="Not served: ReportStoredName. Keap flags /reporting/reports deprecated as of v2.",
)

HOMES: dict[str, RestHome] = {
    "Contact": CONTACT, "Company": COMPANY, "ContactAction": CONTACT_ACTION, "ContactGroup": CONTACT_GROUP,
    "ContactGroupCategory": CONTACT_GROUP_CATEGORY, "ContactGroupAssign": CONTACT_GROUP_ASSIGN, "Lead": LEAD,
    "Stage": STAGE, "StageMove": STAGE_MOVE, "Campaign": CAMPAIGN, "User": USER, "FileBox": FILE_BOX,
    "SavedFilter": SAVED_FILTER,
}
