"""Keap's DataService table schema: every documented table, its fields, their types and access rights.

Generated from ``shared/reference/xmlrpc-tables-access.json`` (the official table-schema page), plus the
live-app fields and tables the Novak SDK saw but the page omits (keap-xmlrpc.md §5.3; their types are
best guesses, read-only). Each table is one string of ``Field:Type:Access`` words, Access letters
E(dit) D(elete) A(dd) R(ead), parsed once at import into :data:`TABLES`.
"""

from __future__ import annotations

_SPEC = {
    "ActionSequence": (
        "Id:Id:R TemplateName:String:R VisibleToTheseUsers:String:R"
    ),
    "Affiliate": (
        "AffCode:String:EDAR AffName:String:EDAR ContactId:Id:EDAR DefCommissionType:Integer:EDAR "
        "Id:Id:R LeadAmt:Double:EDAR LeadCookieFor:Integer:EDAR LeadPercent:Double:EDAR "
        "NotifyLead:Integer:EDAR NotifySale:Integer:EDAR ParentId:Id:EDAR Password:String:EDAR "
        "PayoutType:Integer:EDAR SaleAmt:Double:EDAR SalePercent:Double:EDAR Status:Integer:EDAR"
    ),
    "AffResource": (
        "Id:Id:EDAR Notes:String:EDAR ProgramIds:String:EDAR ResourceHREF:String:EDAR "
        "ResourceHTML:String:EDAR ResourceOrder:String:EDAR ResourceType:String:EDAR "
        "Title:String:EDAR"
    ),
    "Campaign": (
        "Id:Id:R Name:String:R Status:String:R"
    ),
    "Campaignee": (
        "Campaign:String:R CampaignId:Id:R ContactId:Id:R Status:Enum:R"
    ),
    "CampaignStep": (
        "CampaignId:Id:R Id:Id:R StepStatus:String:R StepTitle:String:R TemplateId:Id:R"
    ),
    "CCharge": (
        "Amt:Double:R ApprCode:String:R CCId:Id:R Id:Id:R MerchantId:Id:R OrderNum:String:R "
        "PaymentId:Id:R RefNum:String:R"
    ),
    "Company": (
        "AccountId:Id:EDAR Address1Type:String:EDAR Address2Street1:String:EDAR "
        "Address2Street2:String:EDAR Address2Type:String:EDAR Address3Street1:String:EDAR "
        "Address3Street2:String:EDAR Address3Type:String:EDAR Anniversary:Date:EDAR "
        "AssistantName:String:EDAR AssistantPhone:String:EDAR BillingInformation:String:EDAR "
        "Birthday:Date:EDAR City:String:EDAR City2:String:EDAR City3:String:EDAR "
        "Company:String:EDAR CompanyID:Id:EDAR ContactNotes:String:EDAR ContactType:String:EDAR "
        "Country:String:EDAR Country2:String:EDAR Country3:String:EDAR CreatedBy:Id:R "
        "DateCreated:DateTime:R Email:String:EDAR EmailAddress2:String:EDAR "
        "EmailAddress3:String:EDAR Fax1:String:EDAR Fax1Type:String:EDAR Fax2:String:EDAR "
        "Fax2Type:String:EDAR FirstName:String:EDAR Groups:String:R Id:Id:R JobTitle:String:EDAR "
        "LastName:String:EDAR LastUpdated:DateTime:R LastUpdatedBy:Id:R MiddleName:String:EDAR "
        "Nickname:String:EDAR OwnerID:Id:EDAR Password:String:EDAR Phone1:String:EDAR "
        "Phone1Ext:String:EDAR Phone1Type:String:EDAR Phone2:String:EDAR Phone2Ext:String:EDAR "
        "Phone2Type:String:EDAR Phone3:String:EDAR Phone3Ext:String:EDAR Phone3Type:String:EDAR "
        "Phone4:String:EDAR Phone4Ext:String:EDAR Phone4Type:String:EDAR Phone5:String:EDAR "
        "Phone5Ext:String:EDAR Phone5Type:String:EDAR PostalCode:String:EDAR "
        "PostalCode2:String:EDAR PostalCode3:String:EDAR ReferralCode:String:EDAR "
        "SpouseName:String:EDAR State:String:EDAR State2:String:EDAR State3:String:EDAR "
        "StreetAddress1:String:EDAR StreetAddress2:String:EDAR Suffix:String:EDAR "
        "Title:String:EDAR Username:String:EDAR Validated:String:R Website:String:EDAR "
        "ZipFour1:String:EDAR ZipFour2:String:EDAR ZipFour3:String:EDAR"
    ),
    "Contact": (
        "AccountId:Id:EDAR Address1Type:String:EDAR Address2Street1:String:EDAR "
        "Address2Street2:String:EDAR Address2Type:String:EDAR Address3Street1:String:EDAR "
        "Address3Street2:String:EDAR Address3Type:String:EDAR Anniversary:Date:EDAR "
        "AssistantName:String:EDAR AssistantPhone:String:EDAR BillingInformation:String:EDAR "
        "Birthday:Date:EDAR City:String:EDAR City2:String:EDAR City3:String:EDAR "
        "Company:String:EDAR CompanyID:Id:EDAR ContactNotes:String:EDAR ContactType:String:EDAR "
        "Country:String:EDAR Country2:String:EDAR Country3:String:EDAR CreatedBy:Id:R "
        "DateCreated:DateTime:R Email:String:EDAR EmailAddress2:String:EDAR "
        "EmailAddress3:String:EDAR Fax1:String:EDAR Fax1Type:String:EDAR Fax2:String:EDAR "
        "Fax2Type:String:EDAR FirstName:String:EDAR Groups:String:R Id:Id:R JobTitle:String:EDAR "
        "LastName:String:EDAR LastUpdated:DateTime:R LastUpdatedBy:Id:R Leadsource:String:EAR "
        "LeadSourceId:Id:EAR MiddleName:String:EDAR Nickname:String:EDAR OwnerID:Id:EDAR "
        "Password:String:EDAR Phone1:String:EDAR Phone1Ext:String:EDAR Phone1Type:String:EDAR "
        "Phone2:String:EDAR Phone2Ext:String:EDAR Phone2Type:String:EDAR Phone3:String:EDAR "
        "Phone3Ext:String:EDAR Phone3Type:String:EDAR Phone4:String:EDAR Phone4Ext:String:EDAR "
        "Phone4Type:String:EDAR Phone5:String:EDAR Phone5Ext:String:EDAR Phone5Type:String:EDAR "
        "PostalCode:String:EDAR PostalCode2:String:EDAR PostalCode3:String:EDAR "
        "ReferralCode:String:EDAR SpouseName:String:EDAR State:String:EDAR State2:String:EDAR "
        "State3:String:EDAR StreetAddress1:String:EDAR StreetAddress2:String:EDAR "
        "Suffix:String:EDAR Title:String:EDAR Username:String:EDAR Validated:String:R "
        "Website:String:EDAR ZipFour1:String:EDAR ZipFour2:String:EDAR ZipFour3:String:EDAR"
    ),
    "ContactAction": (
        "Accepted:Integer:EDAR ActionDate:DateTime:EDAR ActionDescription:String:EDAR "
        "ActionType:String:EDAR CompletionDate:DateTime:EDAR ContactId:Id:EDAR CreatedBy:Id:EDAR "
        "CreationDate:DateTime:EDAR CreationNotes:String:EDAR EndDate:DateTime:EDAR Id:Id:R "
        "IsAppointment:Integer:EDAR LastUpdated:DateTime:R LastUpdatedBy:Id:R "
        "ObjectType:Enum:EDAR OpportunityId:Id:EDAR PopupDate:DateTime:EDAR Priority:Integer:EDAR "
        "UserID:Id:EDAR"
    ),
    "ContactGroup": (
        "GroupCategoryId:Id:EAR GroupDescription:String:EAR GroupName:String:EAR Id:Id:R"
    ),
    "ContactGroupAssign": (
        "Contact.Address1Type:String:R Contact.Address2Street1:String:R "
        "Contact.Address2Street2:String:R Contact.Address2Type:String:R "
        "Contact.Address3Street1:String:R Contact.Address3Street2:String:R "
        "Contact.Address3Type:String:R Contact.Anniversary:Date:R Contact.AssistantName:String:R "
        "Contact.AssistantPhone:String:R Contact.BillingInformation:String:R "
        "Contact.Birthday:String:R Contact.City:String:R Contact.City2:String:R "
        "Contact.City3:String:R Contact.Company:String:R Contact.CompanyID:Id:R "
        "Contact.ContactNotes:String:R Contact.ContactType:String:R Contact.Country:String:R "
        "Contact.Country2:String:R Contact.Country3:String:R Contact.CreatedBy:Id:R "
        "Contact.CustomDate1:DateTime:R Contact.CustomDate2:DateTime:R "
        "Contact.CustomDate3:DateTime:R Contact.CustomDate4:DateTime:R "
        "Contact.CustomDate5:DateTime:R Contact.CustomDbl1:Double:R Contact.CustomDbl2:Double:R "
        "Contact.CustomDbl3:Double:R Contact.CustomDbl4:Double:R Contact.CustomDbl5:Double:R "
        "Contact.CustomField1:String:R Contact.CustomField10:String:R "
        "Contact.CustomField2:String:R Contact.CustomField3:String:R "
        "Contact.CustomField4:String:R Contact.CustomField5:String:R "
        "Contact.CustomField6:String:R Contact.CustomField7:String:R "
        "Contact.CustomField8:String:R Contact.CustomField9:String:R "
        "Contact.DateCreated:DateTime:R Contact.Email:String:R Contact.EmailAddress2:String:R "
        "Contact.EmailAddress3:String:R Contact.Fax1:String:R Contact.Fax1Type:String:R "
        "Contact.Fax2:String:R Contact.Fax2Type:String:R Contact.FirstName:String:R "
        "Contact.Groups:String:R Contact.HTMLSignature:String:R Contact.Id:Id:R "
        "Contact.JobTitle:String:R Contact.LastName:String:R Contact.LastUpdated:String:R "
        "Contact.LastUpdatedBy:String:R Contact.Leadsource:String:R Contact.MiddleName:String:R "
        "Contact.Nickname:String:R Contact.OwnerID:Id:R Contact.Phone1:String:R "
        "Contact.Phone1Ext:String:R Contact.Phone1Type:String:R Contact.Phone2:String:R "
        "Contact.Phone2Ext:String:R Contact.Phone2Type:String:R Contact.Phone3:String:R "
        "Contact.Phone3Ext:String:R Contact.Phone3Type:String:R Contact.Phone4:String:R "
        "Contact.Phone4Ext:String:R Contact.Phone4Type:String:R Contact.Phone5:String:R "
        "Contact.Phone5Ext:String:R Contact.Phone5Type:String:R Contact.PostalCode:String:R "
        "Contact.PostalCode2:String:R Contact.PostalCode3:String:R Contact.ReferralCode:String:R "
        "Contact.Signature:String:R Contact.SpouseName:String:R Contact.State:String:R "
        "Contact.State2:String:R Contact.State3:String:R Contact.StreetAddress1:String:R "
        "Contact.StreetAddress2:String:R Contact.Suffix:String:R Contact.Title:String:R "
        "Contact.Website:String:R Contact.ZipFour1:String:R Contact.ZipFour2:String:R "
        "Contact.ZipFour3:String:R ContactGroup:String:R ContactId:Id:R DateCreated:DateTime:R "
        "GroupId:Id:R"
    ),
    "ContactGroupCategory": (
        "CategoryDescription:String:EAR CategoryName:String:EAR Id:Id:R"
    ),
    "CProgram": (
        "Active:Boolean:EAR BillingType:String:EAR DefaultCycle:String:EAR "
        "DefaultFrequency:Integer:EAR DefaultPrice:Double:EAR Description:String:EAR "
        "Family:String:EAR HideInStore:Integer:EAR Id:Id:R LargeImage:Blob:EAR ProductId:Id:EAR "
        "ProgramName:String:EAR ShortDescription:String:EAR Sku:String:EAR Status:Integer:EAR "
        "Taxable:Integer:EAR"
    ),
    "CreditCard": (
        "BillAddress1:String:EAR BillAddress2:String:EAR BillCity:String:EAR "
        "BillCountry:String:EAR BillName:String:EAR BillState:String:EAR BillZip:String:EAR "
        "CardNumber:String:A CardType:String:EAR ContactId:Id:AR CVV2:String:EA Email:String:EAR "
        "ExpirationMonth:String:EAR ExpirationYear:String:EAR FirstName:String:EAR Id:Id:R "
        "Last4:String:R LastName:String:EAR MaestroIssueNumber:String:EAR NameOnCard:String:EAR "
        "PhoneNumber:String:EAR ShipAddress1:String:EAR ShipAddress2:String:EAR "
        "ShipCity:String:EAR ShipCompanyName:String:EAR ShipCountry:String:EAR "
        "ShipFirstName:String:EAR ShipLastName:String:EAR ShipMiddleName:String:EAR "
        "ShipName:String:EAR ShipPhoneNumber:String:EAR ShipState:String:EAR ShipZip:String:EAR "
        "StartDateMonth:String:EAR StartDateYear:String:EAR Status:Integer:R"
    ),
    "DataFormField": (
        "DataType:Integer:R DefaultValue:String:ER FormId:Id:R GroupId:Id:ER Id:Id:R "
        "Label:String:ER ListRows:Integer:ER Name:String:ER Values:String:ER"
    ),
    "DataFormGroup": (
        "Id:Id:R Name:String:R TabId:Id:R"
    ),
    "DataFormTab": (
        "FormId:Id:R Id:Id:R TabName:String:R"
    ),
    "Expense": (
        "ContactId:Id:R DateIncurred:DateTime:R ExpenseAmt:Double:R ExpenseType:Enum:R Id:Id:R "
        "TypeId:Id:R"
    ),
    "FileBox": (
        "ContactId:Id:R Extension:String:R FileName:String:R FileSize:Long:R Id:Id:R "
        "Public:Integer:R"
    ),
    "GroupAssign": (
        "Admin:Id:R GroupId:Id:R Id:Id:R UserId:Id:R"
    ),
    "Invoice": (
        "AffiliateId:Id:R ContactId:Id:R CreditStatus:Integer:R DateCreated:DateTime:R "
        "Description:String:R Id:Id:R InvoiceTotal:Double:R InvoiceType:String:R JobId:Id:R "
        "LeadAffiliateId:Id:R PayPlanStatus:Integer:R PayStatus:Integer:R ProductSold:String:R "
        "PromoCode:String:R RefundStatus:Integer:R Synced:Integer:R TotalDue:Double:R "
        "TotalPaid:Double:R"
    ),
    "InvoiceItem": (
        "CommissionStatus:Integer:EAR DateCreated:DateTime:R Description:String:EAR "
        "Discount:Double:EAR Id:Id:R InvoiceAmt:Double:EAR InvoiceId:Id:EAR OrderItemId:Id:R"
    ),
    "InvoicePayment": (
        "Amt:Double:R Id:Id:R InvoiceId:Id:R PayDate:Date:R PaymentId:Id:R PayStatus:String:R "
        "SkipCommission:Integer:R"
    ),
    "Job": (
        "ContactId:Id:EAR DateCreated:DateTime:R DueDate:Date:EAR Id:Id:R JobNotes:String:EAR "
        "JobRecurringId:Id:R JobStatus:String:EAR JobTitle:String:EAR OrderStatus:Integer:EAR "
        "OrderType:String:EAR ProductId:Id:EAR ShipCity:String:EAR ShipCompany:String:EAR "
        "ShipCountry:String:EAR ShipFirstName:String:EAR ShipLastName:String:EAR "
        "ShipMiddleName:String:EAR ShipPhone:String:EAR ShipState:String:EAR "
        "ShipStreet1:String:EAR ShipStreet2:String:EAR ShipZip:String:EAR StartDate:Date:EAR"
    ),
    "JobRecurringInstance": (
        "AutoCharge:Integer:EAR DateCreated:DateTime:R Description:String:EAR EndDate:Date:EAR "
        "Id:Id:R InvoiceItemId:Id:EAR RecurringId:Id:EAR StartDate:Date:EAR Status:Integer:EAR"
    ),
    "Lead": (
        "AffiliateId:Id:EDAR ContactID:Id:EDAR CreatedBy:Id:EDAR DateCreated:DateTime:EDR "
        "EstimatedCloseDate:DateTime:EDAR Id:Id:R LastUpdated:DateTime:EDR LastUpdatedBy:Id:EDAR "
        "Leadsource:String:AR NextActionDate:DateTime:EDAR NextActionNotes:String:EDAR "
        "Objection:String:EDAR OpportunityNotes:String:EDAR OpportunityTitle:String:EDAR "
        "ProjectedRevenueHigh:Double:EDAR ProjectedRevenueLow:Double:EDAR StageID:Id:EDAR "
        "StatusID:Id:EDAR UserID:Id:EDAR"
    ),
    "LeadSource": (
        "CostPerLead:String:EAR Description:String:EAR EndDate:Date:EAR Id:Id:R "
        "LeadSourceCategoryId:Id:EAR Medium:String:EAR Message:String:EAR Name:String:EAR "
        "StartDate:Date:EAR Status:String:EAR Vendor:String:EAR"
    ),
    "LeadSourceCategory": (
        "Description:String:EAR Id:Id:R Name:String:EAR"
    ),
    "LeadSourceExpense": (
        "Amount:Double:EDAR DateIncurred:DateTime:EDAR Id:Id:R LeadSourceId:Id:EDAR "
        "LeadSourceRecurringExpenseId:Id:EDAR Notes:String:EDAR Title:String:EDAR"
    ),
    "LeadSourceRecurringExpense": (
        "Amount:Double:EDAR EndDate:DateTime:EDAR Id:Id:R LeadSourceId:Id:EDAR "
        "NextExpenseDate:DateTime:EDAR Notes:String:EDAR StartDate:DateTime:EDAR "
        "Title:String:EDAR"
    ),
    "MtgLead": (
        "ActualCloseDate:DateTime:R ApplicationDate:DateTime:R CreditReportDate:DateTime:R "
        "DateAppraisalDone:DateTime:R DateAppraisalOrdered:DateTime:R "
        "DateAppraisalReceived:DateTime:R DateRateLocked:DateTime:R "
        "DateRateLockExpires:DateTime:R DateTitleOrdered:DateTime:R DateTitleReceived:DateTime:R "
        "FundingDate:DateTime:R Id:Id:R"
    ),
    "OrderItem": (
        "CPU:Double:EAR Id:Id:R ItemDescription:String:EAR ItemName:String:EAR "
        "ItemType:Integer:EAR Notes:String:EAR OrderId:Id:EAR PPU:Double:EAR ProductId:Id:EAR "
        "Qty:Integer:EAR SubscriptionPlanId:Id:EAR"
    ),
    "Payment": (
        "ChargeId:Id:R Commission:Integer:R ContactId:Id:R Id:Id:R InvoiceId:Id:R PayAmt:Double:R "
        "PayDate:Date:R PayNote:String:R PayType:String:R RefundId:Id:R Synced:Integer:R "
        "UserId:Id:R"
    ),
    "PayPlan": (
        "AmtDue:Double:R DateDue:Date:R FirstPayAmt:Double:R Id:Id:R InitDate:Date:R "
        "InvoiceId:Id:R StartDate:Date:R Type:Integer:R"
    ),
    "PayPlanItem": (
        "AmtDue:Double:R AmtPaid:Double:R DateDue:Date:R Id:Id:R PayPlanId:Id:R Status:Integer:R"
    ),
    "Product": (
        "BottomHTML:String:EAR CityTaxable:Integer:EAR CountryTaxable:Integer:EAR "
        "Description:String:EAR HideInStore:Integer:EAR Id:Id:R InventoryLimit:Integer:EAR "
        "InventoryNotifiee:String:EAR IsPackage:Integer:EAR LargeImage:Blob:EAR "
        "NeedsDigitalDelivery:Integer:EAR ProductName:String:EAR ProductPrice:Double:EAR "
        "Shippable:Integer:EAR ShippingTime:String:EAR ShortDescription:String:EAR Sku:String:EAR "
        "StateTaxable:Integer:EAR Status:Integer:EAR Taxable:Integer:EAR TopHTML:String:EAR "
        "Weight:Double:EAR"
    ),
    "ProductCategory": (
        "CategoryDisplayName:String:EDAR CategoryImage:Blob:EDAR CategoryOrder:Integer:EDAR "
        "Id:Id:R ParentId:Id:EDAR"
    ),
    "ProductCategoryAssign": (
        "Id:Id:R ProductCategoryId:Id:EAR ProductId:Id:EAR"
    ),
    "ProductInterest": (
        "DiscountPercent:Integer:EDAR Id:Id:R ObjectId:Id:EDAR ObjType:String:EDAR "
        "ProductId:Id:EDAR ProductType:String:EDAR Qty:Integer:EDAR"
    ),
    "ProductInterestBundle": (
        "BundleName:String:EAR Description:String:EAR Id:Id:R"
    ),
    "ProductOption": (
        "AllowSpaces:Integer:EDAR CanContain:String:EDAR CanEndWith:Integer:EDAR "
        "CanStartWith:String:EDAR Id:Id:EDAR IsRequired:Integer:EDAR Label:String:EDAR "
        "MaxChars:Integer:EDAR MinChars:Integer:EDAR Name:String:EDAR OptionType:Enum:EDAR "
        "Order:Integer:EDAR ProductId:Id:EDAR TextMessage:Integer:EDAR"
    ),
    "ProductOptValue": (
        "Id:Id:EDAR IsDefault:Integer:EDAR Label:String:EDAR Name:String:EDAR "
        "OptionIndex:Integer:EDAR PriceAdjustment:Double:EDAR ProductOptionId:Id:EDAR "
        "Sku:String:EDAR"
    ),
    "RecurringOrder": (
        "AffiliateId:Id:EAR AutoCharge:Integer:EAR BillingAmt:Double:EAR BillingCycle:String:EAR "
        "CC1:Id:EAR CC2:Id:EAR ContactId:Id:EAR EndDate:Date:EAR Frequency:Integer:EAR Id:Id:R "
        "LastBillDate:Date:EAR LeadAffiliateId:Id:EAR MaxRetry:Integer:EAR "
        "MerchantAccountId:Id:EAR NextBillDate:Date:R NumDaysBetweenRetry:Integer:EAR "
        "OriginatingOrderId:Id:R PaidThruDate:Date:EAR ProductId:Id:EAR ProgramId:Id:EAR "
        "PromoCode:String:EAR Qty:Integer:EAR ReasonStopped:String:EAR ShippingOptionId:Id:EAR "
        "StartDate:Date:EAR Status:String:EAR SubscriptionPlanId:Id:EAR"
    ),
    "RecurringOrderWithContact": (
        "AffiliateId:Id:R AutoCharge:Integer:R BillingAmt:Double:R BillingCycle:String:R CC1:Id:R "
        "CC2:Id:R City:String:R ContactId:Id:R Country:String:R Email:String:R "
        "EmailAddress2:String:R EmailAddress3:String:R EndDate:Date:R FirstName:String:R "
        "Frequency:Integer:R HTMLSignature:String:R LastBillDate:Date:R LastName:String:R "
        "LeadAffiliateId:Id:R MaxRetry:Integer:R MerchantAccountId:Id:R MiddleName:String:R "
        "NextBillDate:Date:R Nickname:String:R NumDaysBetweenRetry:Integer:R PaidThruDate:Date:R "
        "Phone1:String:R Phone1Ext:String:R Phone1Type:String:R Phone2:String:R "
        "Phone2Ext:String:R Phone2Type:String:R PostalCode:String:R ProductId:Id:R ProgramId:Id:R "
        "PromoCode:String:R Qty:Integer:R ReasonStopped:String:R RecurringOrderId:Id:R "
        "ShippingOptionId:Integer:R Signature:String:R SpouseName:String:R StartDate:Date:R "
        "State:String:R Status:String:R StreetAddress1:String:R StreetAddress2:String:R "
        "SubscriptionPlanId:Id:R Suffix:String:R Title:String:R ZipFour1:String:R"
    ),
    "Referral": (
        "AffiliateId:Id:AR ContactId:Id:AR DateExpires:Date:AR DateSet:Date:AR Id:Id:R "
        "Info:String:AR IPAddress:String:AR Source:String:AR Type:Integer:AR"
    ),
    "SavedFilter": (
        "FilterName:String:R Id:Id:R ReportStoredName:String:R UserId:String:R"
    ),
    "Stage": (
        "Id:Id:R StageName:String:R StageOrder:Integer:R TargetNumDays:Integer:R"
    ),
    "StageMove": (
        "CreatedBy:Id:R DateCreated:DateTime:R Id:Id:R MoveDate:DateTime:R MoveFromStage:Id:R "
        "MoveToStage:Id:R OpportunityId:Id:R PrevStageMoveDate:DateTime:R UserId:Id:R"
    ),
    "Status": (
        "Id:Id:R StatusName:String:R StatusOrder:String:R TargetNumDays:String:R"
    ),
    "SubscriptionPlan": (
        "Active:Boolean:EAR Cycle:String:EAR Frequency:Integer:EAR Id:Id:R PlanPrice:Double:EAR "
        "PreAuthorizeAmount:Double:EAR ProductId:Id:EAR Prorate:Boolean:EAR"
    ),
    "Template": (
        "Categories:String:R Id:Id:R PieceTitle:String:R PieceType:String:R"
    ),
    "Ticket": (
        "CloseDate:Date:EDAR ContactId:Id:EDAR CreatedBy:Id:EDAR DateCreated:DateTime:R "
        "DateInStage:Date:EDAR DevId:Id:EDAR FolowUpDate:Date:EDAR HasCustomerCalled:Integer:EDAR "
        "Id:Id:R IssueId:Id:EDAR LastUpdated:DateTime:R LastUpdatedBy:Id:EDAR "
        "Ordering:Double:EDAR Priority:Integer:EDAR Stage:Id:EDAR Summary:String:EDAR "
        "TargetCompletionDate:Date:EDAR TicketApplication:String:EDAR TicketCategory:Id:EDAR "
        "TicketTitle:String:EDAR TicketTypeId:Id:EDAR TimeSpent:Double:EDAR UserId:Id:EDAR"
    ),
    "TicketStage": (
        "Id:Id:R StageName:String:R"
    ),
    "TicketType": (
        "CategoryId:Id:R Id:Id:R Label:String:R"
    ),
    "User": (
        "City:String:R Email:String:R EmailAddress2:String:R EmailAddress3:String:R "
        "FirstName:String:R HTMLSignature:String:R Id:Id:R LastName:String:R MiddleName:String:R "
        "Nickname:String:R Phone1:String:R Phone1Ext:String:R Phone1Type:String:R Phone2:String:R "
        "Phone2Ext:String:R Phone2Type:String:R PostalCode:String:R Signature:String:R "
        "SpouseName:String:R State:String:R StreetAddress1:String:R StreetAddress2:String:R "
        "Suffix:String:R Title:String:R ZipFour1:String:R"
    ),
    "UserGroup": (
        "Id:Id:R Name:String:R OwnerId:Id:R"
    ),
}

# Seen in live apps (Novak SDK generated classes), absent from the schema page: read-only here.
_UNDOCUMENTED = {
    "Contact": "Language:String:R TimeZone:String:R",
    "Invoice": "LastUpdated:DateTime:R",
    "Job": "LastUpdated:DateTime:R",
    "CCharge": "PaymentGatewayId:Id:R",
    "SubscriptionPlan": "NumberOfCycles:Integer:R",
    "MtgLead": "OpportunityId:Id:R EstimatedCloseDate:DateTime:R MtgNotes:String:R",
    "EmailAddStatus": ("Id:Id:R DateCreated:DateTime:R Email:String:R LastClickDate:DateTime:R "
                       "LastOpenDate:DateTime:R LastSentDate:DateTime:R Type:String:R"),
    "LinkedContactType": "Id:Id:R MaxLinked:Integer:R TypeName:String:R",
}


def _parse(spec: str) -> dict[str, tuple[str, str]]:
    fields = {}
    for word in spec.split():
        name, ftype, access = word.rsplit(":", 2)
        fields[name] = (ftype, access)
    return fields


#: table -> field -> (type, access letters). Types: Id String Integer Long Double Date DateTime Enum
#: Boolean Blob. Custom fields (``_Name``) are not here; they come from the DataFormField rows.
TABLES: dict[str, dict[str, tuple[str, str]]] = {table: _parse(spec) for table, spec in _SPEC.items()}
for _table, _spec in _UNDOCUMENTED.items():
    TABLES.setdefault(_table, {}).update(_parse(_spec))

#: DataFormField.FormId of each table that carries custom fields (keap-xmlrpc.md §5.1).
CUSTOM_FIELD_FORM_IDS = {"Contact": -1, "Ticket": -2, "Affiliate": -3, "Lead": -4, "ContactAction": -5,
                         "Company": -6, "Job": -9, "RecurringOrder": -10}
