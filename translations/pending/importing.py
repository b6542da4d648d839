"""Dutch for the trainee import (file upload, preview, confirm), to merge into
translations/nl/LC_MESSAGES/messages.po.

Plural texts (ngettext) have a tuple key (singular, plural) and a tuple value
(msgstr[0], msgstr[1]). Texts that are already in the catalogue ("Name",
"Required.", ...) are left out.
"""

NL = {
    # cohort/import_forms.py
    "File with trainees (CSV or XLSX)": "Bestand met deelnemers (CSV of XLSX)",
    "Choose a file.": "Kies een bestand.",
    "Choose a CSV or XLSX file.": "Kies een CSV-bestand of een XLSX-bestand.",
    "At most %(n)d rows. Nothing is saved until you confirm.":
        "Niet meer dan %(n)d rijen. We slaan pas iets op als u bevestigt.",
    # cohort/import_views.py (the labels are the same as on the enrol form)
    "Phone": "Telefoon",
    "Home municipality": "Woongemeente",
    "Languages spoken": "Talen die iemand spreekt",
    "We do not know this municipality. Use its name or CBS code (like GM0344).":
        "Deze gemeente kennen we niet. Gebruik de naam of de CBS-code (zoals GM0344).",
    "Already enrolled in this group, or already has an account.":
        "Staat al ingeschreven in deze groep, of heeft al een account.",
    "We cannot read this file. Save it as CSV (UTF-8) or XLSX and try again.":
        "We kunnen dit bestand niet lezen. Sla het op als CSV (UTF-8) of XLSX en probeer het opnieuw.",
    "There are no trainees in this file.": "Er staan geen deelnemers in dit bestand.",
    "This address is also in row %(row)d.": "Dit adres staat ook in rij %(row)d.",
    "The file has more than %(n)d rows. Split it into smaller files.":
        "Het bestand heeft meer dan %(n)d rijen. Verdeel de lijst over kleinere bestanden.",
    "The first row must name the columns. Missing: %(columns)s.":
        "In de eerste rij staan de namen van de kolommen. Dit ontbreekt: %(columns)s.",
    "Someone saved one of these addresses at the same moment. Try again.":
        "Iemand anders heeft op hetzelfde moment een van deze adressen opgeslagen. Probeer het opnieuw.",
    "Some addresses were enrolled after your preview. Nothing has been saved yet: "
    "check the list and confirm again.":
        "Sommige adressen zijn ingeschreven nadat u de controle zag. Er is nog niets opgeslagen. "
        "Bekijk de lijst en bevestig opnieuw.",
    "Nothing has been saved. %(problem)s": "Er is niets opgeslagen. %(problem)s",
    ("%(num)d trainee enrolled.", "%(num)d trainees enrolled."):
        ("%(num)d deelnemer ingeschreven.", "%(num)d deelnemers ingeschreven."),
    # cohort/services.py: enrol_trainees
    "%(email)s: %(problem)s": "%(email)s: %(problem)s",
    # templates/cohort/import_upload.html
    "Enrol trainees from a file": "Deelnemers inschrijven met een bestand",
    "Group: %(name)s": "Groep: %(name)s",
    "Upload a list of trainees. You first see a check of every row. Nothing is saved until you confirm. "
    "Each trainee then gets an e-mail to make an account.":
        "Upload een lijst met deelnemers. U ziet eerst een controle van elke rij. We slaan pas iets op "
        "als u bevestigt. Daarna krijgt elke deelnemer een e-mail om een account te maken.",
    "What the file needs": "Wat er in het bestand moet staan",
    "Save the list from Excel as CSV or XLSX. The first row gives the name of each column. "
    "Other columns are skipped.":
        "Sla de lijst in Excel op als CSV of XLSX. In de eerste rij staat de naam van elke kolom. "
        "Andere kolommen slaan we over.",
    "Columns in the file": "Kolommen in het bestand",
    "Column": "Kolom",
    "Names you can use": "Namen die u kunt gebruiken",
    "Required?": "Verplicht?",
    "Yes": "Ja",
    "No": "Nee",
    "Home municipality: the name or the CBS code (like GM0344). Languages: separate them with ; or , or /.":
        "Woongemeente: de naam of de CBS-code (zoals GM0344). Talen: zet er ; of , of / tussen.",
    "Example:": "Voorbeeld:",
    "Check the file": "Controleer het bestand",
    "Back": "Terug",
    # templates/cohort/import_preview.html
    "Check the trainees": "Controleer de deelnemers",
    ("%(num)d row can be enrolled,", "%(num)d rows can be enrolled,"):
        ("%(num)d rij kan worden ingeschreven,", "%(num)d rijen kunnen worden ingeschreven,"),
    ("%(num)d row has problems.", "%(num)d rows have problems."):
        ("%(num)d rij heeft problemen.", "%(num)d rijen hebben problemen."),
    "Nothing has been saved yet.": "Er is nog niets opgeslagen.",
    "Rows with problems are not enrolled. Fix them in the file and upload it again, "
    "or enrol them one by one later.":
        "Rijen met problemen schrijven we niet in. Verbeter ze in het bestand en upload het opnieuw. "
        "Of schrijf deze mensen later een voor een in.",
    "Rows in the file": "Rijen in het bestand",
    "Row": "Rij",
    "Result of the check": "Uitkomst van de controle",
    "OK": "Goed",
    "Not enrolled:": "Wordt niet ingeschreven:",
    ("Enrol %(num)d trainee and send the invitation", "Enrol %(num)d trainees and send the invitations"):
        ("Schrijf %(num)d deelnemer in en stuur de uitnodiging",
         "Schrijf %(num)d deelnemers in en stuur de uitnodigingen"),
    "There is nobody to enrol. Fix the file and upload it again.":
        "Er is niemand om in te schrijven. Verbeter het bestand en upload het opnieuw.",
}
