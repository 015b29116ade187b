"""The sandbox tenant's value pools and generation constants, shared by the dataset and its domains.

Pure data: realistic names, places, companies and statuses the generators draw from, the tenant's
contact custom fields, and the time spread of generated rows. Changing a pool changes every dataset
built from it (values are drawn by index), so add new pools rather than editing old ones.
"""

from __future__ import annotations

DAY_MS = 86_400_000
HISTORY_DAYS = 8 * 365  # create_time is spread over ~8 years before `now`
RECENT_DAYS = 7  # the "hot" window that ~30% of updates fall into
RECENT_SHARE = 0.30
NEVER_UPDATED_SHARE = 0.20  # update_time == create_time: touched once, at creation
TENANT_HOST = "sandbox.infusionsoft.com"  # the part after "full|" in an OAuth scope


# --------------------------------------------------------------------------- pools of realistic values

GIVEN_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra "
    "Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin "
    "Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey "
    "Cynthia Ryan Dorothy Jacob Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda "
    "Larry Pamela Justin Nicole Scott Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory "
    "Debra Alexander Rachel Patrick Carolyn Frank Janet Raymond Maria Jack Olivia Dennis Heather Jerry "
    "Helen Tyler Catherine Aaron Diane Jose Julie Adam Victoria Nathan Joyce Henry Lauren Zachary Kelly "
    "Douglas Christina Peter Ruth Kyle Joan Noah Virginia Ethan Judith Jeremy Evelyn Walter Hannah Christian "
    "Andrea Keith Megan Roger Cheryl Terry Jacqueline Austin Martha Sean Madison Gerald Teresa Carl Gloria "
    "Harold Sara Dylan Janice Arthur Ann Lawrence Kathryn Jordan Abigail Jesse Sophia Bryan Frances Billy "
    "Jean Bruce Alice Gabriel Judy Joe Isabella Logan Julia Alan Grace Juan Amber Albert Denise Willie "
    "Danielle Elijah Marilyn Wayne Beverly Randy Charlotte Vincent Natalie Mason Theresa Roy Diana Ralph "
    "Brittany Bobby Doris Russell Kayla Bradley Alexis Philip Lori Eugene Marie Erica Renee Chloe Mei Aisha "
    "Priya Hiroshi Sofia Mateo Ingrid Luca Fatima Omar Yuki Chen Amara Kofi Lars Anika Diego"
).split()

FAMILY_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz "
    "Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson "
    "Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins "
    "Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero "
    "Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant "
    "Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez "
    "McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford "
    "Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer "
    "Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels "
    "O'Brien Nakamura Kowalski Lindqvist Okafor Rossi Dubois Novak Haddad Singh Tanaka Müller Jensen"
).split()

MIDDLE_INITIALS = tuple("ABCDEFGHJKLMNPRSTW")
COMPANY_WORDS_A = ("Apex Blue Cedar Summit Harbor Pioneer Granite Maple Silver Bright Northwind Redwood "
                   "Evergreen Lakeside Copper Golden Prairie Coastal Iron Crescent").split()
COMPANY_WORDS_B = ("Consulting Dental Fitness Realty Landscaping Bakery Marketing Coaching Plumbing "
                   "Design Wellness Accounting Studios Roofing Insurance Photography Yoga Legal "
                   "Tutoring Auto").split()
COMPANY_SUFFIXES = ("LLC", "Inc.", "Co.", "Group", "", "Partners")
JOB_TITLES = ("Owner", "CEO", "Office Manager", "Marketing Director", "Sales Manager", "Bookkeeper",
              "Consultant", "Coach", "Founder", "Operations Lead", "Practice Manager", "Realtor",
              "Account Executive", "Administrator", "Product Owner", "Designer", "Nurse", "Teacher")
FREE_MAIL = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "comcast.net")
PHONE_TYPES = ("Work", "Mobile", "Home", "Other")
TIME_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
              "America/Los_Angeles", "America/Toronto", "Europe/London", "Australia/Sydney")
PREFIXES = ("Mr.", "Ms.", "Mrs.", "Dr.")
SUFFIXES = ("Jr", "Sr", "II", "III")
CONTACT_TYPES = ("Lead", "Customer", "Prospect", "Other")
SOCIAL_TYPES = ("FACEBOOK", "LINKED_IN", "TWITTER", "INSTAGRAM", "YOUTUBE")
LINK_TYPES = (("1", "Spouse"), ("2", "Business Partner"), ("3", "Assistant"))
UTM_SOURCES = (("google", "cpc"), ("facebook", "paid_social"), ("newsletter", "email"), ("bing", "cpc"))

# (weight, source_type) — web sources dominate in a small-business CRM.
SOURCE_TYPES = ((30, "WEBFORM"), (18, "LANDING_PAGE"), (14, "IMPORT"), (12, "API"), (10, "MANUAL"),
                (6, "INTERNAL_FORM"), (4, "FORM_API_HOSTED"), (3, "APPOINTMENT"), (2, "OTHER"),
                (1, "UNKNOWN"))
WEB_SOURCES = frozenset({"WEBFORM", "LANDING_PAGE", "FORM_API_HOSTED", "INTERNAL_FORM"})

# (weight, email_opt_status, is_opt_in, opt_in_reason)
EMAIL_STATUSES = (
    (30, "SINGLE_OPT_IN", True, "Subscribed via web form"),
    (12, "DOUBLE_OPT_IN", True, "Confirmed via double opt-in email"),
    (10, "CONFIRMED", True, "Customer opted in at checkout"),
    (14, "UNENGAGED_MARKETABLE", True, "Imported list (consent on file)"),
    (18, "NON_MARKETABLE", False, None),
    (6, "UNENGAGED_NON_MARKETABLE", False, None),
    (3, "LIST_UNSUBSCRIBE", False, None),
    (2, "BOUNCE", False, None),
    (2, "HARD_BOUNCE", False, None),
    (1, "SPAM", False, None),
    (1, "LOCKDOWN", False, None),
    (1, "MANUAL", False, None),
)

# (locality, region, region_code, postal prefix, country, country_code, phone country code, area code)
PLACES = (
    ("Phoenix", "Arizona", "US-AZ", "850", "United States", "USA", "1", "602"),
    ("Chandler", "Arizona", "US-AZ", "852", "United States", "USA", "1", "480"),
    ("Austin", "Texas", "US-TX", "787", "United States", "USA", "1", "512"),
    ("Dallas", "Texas", "US-TX", "752", "United States", "USA", "1", "214"),
    ("Denver", "Colorado", "US-CO", "802", "United States", "USA", "1", "303"),
    ("Seattle", "Washington", "US-WA", "981", "United States", "USA", "1", "206"),
    ("Portland", "Oregon", "US-OR", "972", "United States", "USA", "1", "503"),
    ("San Diego", "California", "US-CA", "921", "United States", "USA", "1", "619"),
    ("Sacramento", "California", "US-CA", "958", "United States", "USA", "1", "916"),
    ("Chicago", "Illinois", "US-IL", "606", "United States", "USA", "1", "312"),
    ("Columbus", "Ohio", "US-OH", "432", "United States", "USA", "1", "614"),
    ("Atlanta", "Georgia", "US-GA", "303", "United States", "USA", "1", "404"),
    ("Orlando", "Florida", "US-FL", "328", "United States", "USA", "1", "407"),
    ("Nashville", "Tennessee", "US-TN", "372", "United States", "USA", "1", "615"),
    ("Boston", "Massachusetts", "US-MA", "021", "United States", "USA", "1", "617"),
    ("Brooklyn", "New York", "US-NY", "112", "United States", "USA", "1", "718"),
    ("Salt Lake City", "Utah", "US-UT", "841", "United States", "USA", "1", "801"),
    ("Minneapolis", "Minnesota", "US-MN", "554", "United States", "USA", "1", "612"),
    ("Toronto", "Ontario", "CA-ON", "M5V", "Canada", "CAN", "1", "416"),
    ("Vancouver", "British Columbia", "CA-BC", "V6B", "Canada", "CAN", "1", "604"),
    ("London", "England", "GB-ENG", "SW1A", "United Kingdom", "GBR", "44", "20"),
    ("Sydney", "New South Wales", "AU-NSW", "2000", "Australia", "AUS", "61", "2"),
)
STREETS = ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Blvd", "Washington St", "Lake Rd",
           "Hill St", "Elm St", "Sunset Blvd", "Camelback Rd", "Broadway", "High St", "Market St")

# The tenant's contact custom fields (id, label, field_type), as GET /v2/contacts/model would list them.
CONTACT_CUSTOM_FIELDS = (
    ("6", "jobtitle", "TEXT"),
    ("8", "jobdescription", "TEXT"),
    ("12", "experience", "TEXT"),
    ("14", "age", "WHOLE_NUMBER"),
    ("16", "renewaldate", "DATE"),
)

PROGRAM_NAMES = ("Standard Affiliate Program", "Partner Referral Program", "Influencer Tier",
                 "Reseller Program", "Customer Referral Rewards", "Agency Partner Program",
                 "Launch Promotion", "VIP Ambassadors", "Coaching Referrals", "Legacy Affiliates")
