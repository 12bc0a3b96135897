"""Names and texts the demo set and the generator draw from (content, not UI strings).

Ticket texts come in German and English pairs; the customer's language picks one.
"""

from __future__ import annotations

import random

FIRST_NAMES = [
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hannah", "Ivan", "Jana",
    "Karl", "Laura", "Mehmet", "Nina", "Oliver", "Paula", "Quentin", "Rita", "Stefan",
    "Tanja", "Ulrich", "Vera", "Walter", "Yasmin", "Zoe", "Lukas", "Sophie", "Jonas",
    "Mia", "Emre", "Sarah", "Tobias", "Julia", "Daniel", "Lea", "Markus",
]  # fmt: skip

LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Yilmaz",
    "Kowalski", "Nguyen", "Smith", "Jensen", "Rossi", "Novak",
]  # fmt: skip

COMPANY_STEMS = [
    "Bäckerei Sonnenschein", "Autohaus Nord", "Praxis am Markt", "Hotel Seeblick",
    "Stadtwerke Talheim", "Kanzlei Berger", "Elektro Brandt", "Logistik Hansa",
    "Gasthof Linde", "Tischlerei Holzmann", "Apotheke am Dom", "Reisebüro Fernweh",
    "Steuerbüro Adler", "Druckerei Blau", "Fitnessstudio Kraftwerk", "Blumen Rosa",
    "Ingenieurbüro Statik", "Spedition Weitblick", "Optik Klarsicht", "Weingut Rebhang",
    "Brightline Media", "Northwind Traders", "Harbour Analytics", "Greenfield Farms",
    "Atlas Engineering", "Bluebird Dental",
]  # fmt: skip

COMPANY_FORMS = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "Ltd."]

CITIES = [
    ("10115", "Berlin"), ("20095", "Hamburg"), ("80331", "München"), ("50667", "Köln"),
    ("60311", "Frankfurt am Main"), ("70173", "Stuttgart"), ("04109", "Leipzig"),
    ("28195", "Bremen"), ("01067", "Dresden"), ("90402", "Nürnberg"), ("30159", "Hannover"),
]  # fmt: skip

STREETS = [
    "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Marktplatz", "Schulstraße",
    "Industriestraße", "Am Hafen", "Ringstraße", "Mühlenweg",
]  # fmt: skip

# (German subject, German text, English subject, English text)
REQUESTS = [
    (
        "Internet fällt regelmäßig aus",
        "Seit heute Morgen bricht unsere Internetverbindung etwa alle zehn Minuten ab. "
        "Der Router zeigt dabei kurz eine rote DSL-Lampe.",
        "Internet drops regularly",
        "Since this morning our internet connection drops roughly every ten minutes. "
        "The router briefly shows a red DSL light.",
    ),
    (
        "Telefonanlage: keine ausgehenden Anrufe",
        "Wir können seit dem Update der Telefonanlage nicht mehr nach außen telefonieren. "
        "Eingehende Anrufe funktionieren.",
        "Phone system: no outgoing calls",
        "Since the phone system update we cannot call outside numbers any more. "
        "Incoming calls work.",
    ),
    (
        "Rufumleitung einrichten",
        "Bitte richten Sie für die Nummer der Zentrale eine Rufumleitung auf unser "
        "Mobiltelefon ein, werktags ab 18 Uhr.",
        "Set up call forwarding",
        "Please forward calls to our main number to our mobile phone on weekdays after 6 pm.",
    ),
    (
        "Rechnung doppelt abgebucht",
        "Die Rechnung für den letzten Monat wurde zweimal von unserem Konto abgebucht. "
        "Bitte prüfen und erstatten Sie den Betrag.",
        "Invoice charged twice",
        "Last month's invoice was debited twice from our account. "
        "Please check and refund the amount.",
    ),
    (
        "WLAN im Besprechungsraum zu langsam",
        "Im großen Besprechungsraum ist das WLAN extrem langsam, Videokonferenzen brechen ab.",
        "Wi-Fi in the meeting room too slow",
        "The Wi-Fi in the large meeting room is extremely slow and video calls keep dropping.",
    ),
    (
        "VPN-Zugang für neuen Mitarbeiter",
        "Ab Montag beginnt ein neuer Kollege. Bitte legen Sie einen VPN-Zugang an.",
        "VPN access for a new employee",
        "A new colleague starts on Monday. Please create a VPN account.",
    ),
    (
        "E-Mails kommen nicht an",
        "Seit gestern erhalten wir keine E-Mails von externen Absendern mehr.",
        "E-mails are not arriving",
        "Since yesterday we no longer receive e-mails from external senders.",
    ),
    (
        "Vertragsänderung: höhere Bandbreite",
        "Wir möchten unseren Anschluss auf 250 Mbit/s erhöhen. Was kostet das und ab wann geht es?",
        "Contract change: more bandwidth",
        "We would like to upgrade our line to 250 Mbit/s. What does it cost and from when?",
    ),
    (
        "Störung: Standortvernetzung Filiale",
        "Die Verbindung zwischen Zentrale und Filiale ist seit 8 Uhr unterbrochen.",
        "Outage: branch office link",
        "The link between head office and the branch has been down since 8 am.",
    ),
    (
        "Neue Durchwahlnummern benötigt",
        "Wir brauchen fünf zusätzliche Durchwahlen für das neue Büro im zweiten Stock.",
        "New extension numbers needed",
        "We need five more extensions for the new office on the second floor.",
    ),
    (
        "Frage zur Firewall-Freigabe",
        "Unser Softwarehersteller benötigt Fernzugriff über Port 8443. Können Sie das freigeben?",
        "Question about a firewall rule",
        "Our software vendor needs remote access on port 8443. Can you allow it?",
    ),
    (
        "Faxgerät empfängt nicht",
        "Unser Faxgerät empfängt keine Faxe mehr, der Absender bekommt ein Besetztzeichen.",
        "Fax machine does not receive",
        "Our fax machine no longer receives faxes; senders get a busy signal.",
    ),
]

# (German, English) pairs.
REPLIES = [
    (
        "vielen Dank für Ihre Meldung. Wir haben die Leitung gemessen und einen Fehler "
        "am Verteiler gefunden. Ein Techniker ist beauftragt.",
        "thank you for your report. We measured the line and found a fault at the "
        "distribution point. A technician has been dispatched.",
    ),
    (
        "wir haben die Einstellung wie gewünscht vorgenommen. Bitte prüfen Sie, ob alles "
        "funktioniert.",
        "we have changed the setting as requested. Please check that everything works.",
    ),
    (
        "könnten Sie uns bitte die Seriennummer des Geräts und ein Foto der Statusanzeige "
        "schicken?",
        "could you please send us the device's serial number and a photo of the status lights?",
    ),
    (
        "der Fehler ist behoben. Die Ursache war ein fehlerhaftes Firmware-Update, das wir "
        "zurückgespielt haben.",
        "the fault is fixed. It was caused by a faulty firmware update, which we rolled back.",
    ),
    (
        "die Gutschrift wurde veranlasst und erscheint auf Ihrer nächsten Rechnung.",
        "the credit note has been issued and will appear on your next invoice.",
    ),
    (
        "wir melden uns, sobald der Netzbetreiber einen Termin bestätigt hat.",
        "we will get back to you as soon as the carrier confirms an appointment.",
    ),
]

FOLLOW_UPS = [
    ("Danke, jetzt funktioniert es wieder.", "Thanks, it works again now."),
    ("Leider besteht das Problem weiterhin.", "Unfortunately the problem persists."),
    ("Anbei die gewünschten Angaben.", "Please find the requested details attached."),
    ("Wann kommt der Techniker genau?", "When exactly will the technician come?"),
    ("Können Sie mich bitte zurückrufen?", "Could you call me back, please?"),
]

NOTES = [
    "Leitung gemessen: Dämpfung 38 dB, Sync instabil.",
    "Mit Netzbetreiber telefoniert, Ticketnummer dort: NB-4711.",
    "Kunde ist Reseller-Kunde, Abrechnung über Partner.",
    "Konfiguration gesichert vor Änderung.",
    "Techniker-Termin Do 9–12 Uhr bestätigt.",
    "Rückruf versucht, nicht erreicht.",
]

SUPPORT_NOTES = [
    (
        "Fernwartung",
        "Zugang über den Jump-Host 10.20.0.5; Token beim Kunden anfragen (Hr. Braun).",
    ),
    ("Telefonanlage", "Anlage: Auerswald COMpact 5500R, Admin-PIN im Passwort-Tresor."),
    ("Öffnungszeiten", "Vor-Ort-Termine nur Mo–Fr 8–16 Uhr, Anmeldung am Empfang."),
    ("Eskalation", "Bei Totalausfall sofort Geschäftsführung anrufen: 030 1234567."),
    ("Router", "Kundeneigener Router, wir haben nur Lesezugriff."),
]

TICKET_TEMPLATES = [
    (
        "Störungsmeldung",
        "Störung: ",
        "Was funktioniert nicht?\n\nSeit wann?\n\nBetroffene Standorte / Nummern:\n",
    ),
    (
        "Neuer Mitarbeiter",
        "Zugänge für neuen Mitarbeiter",
        "Name:\nStartdatum:\nBenötigt: E-Mail, VPN, Durchwahl\n",
    ),
    (
        "Vertragsänderung",
        "Vertragsänderung",
        "Gewünschte Änderung:\nGewünschter Termin:\n",
    ),
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def company_name(rng: random.Random, index: int) -> str:
    stem = COMPANY_STEMS[index % len(COMPANY_STEMS)]
    suffix = f" {index // len(COMPANY_STEMS) + 1}" if index >= len(COMPANY_STEMS) else ""
    return f"{stem}{suffix} {rng.choice(COMPANY_FORMS)}"


def request_text(rng: random.Random, language: str) -> tuple[str, str]:
    """A (subject, text) pair in the customer's language."""
    de_subject, de_text, en_subject, en_text = rng.choice(REQUESTS)
    return (en_subject, en_text) if language == "en" else (de_subject, de_text)


def reply_text(rng: random.Random, language: str, contact_name: str, agent_name: str) -> str:
    de, en = rng.choice(REPLIES)
    if language == "en":
        return f"Hello {contact_name},\n\n{en}\n\nKind regards\n{agent_name}"
    return f"Hallo {contact_name},\n\n{de}\n\nMit freundlichen Grüßen\n{agent_name}"


def follow_up_text(rng: random.Random, language: str) -> str:
    de, en = rng.choice(FOLLOW_UPS)
    return en if language == "en" else de
