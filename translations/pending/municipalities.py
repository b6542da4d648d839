"""Dutch for the municipality, offer and "Stageplek aanbieden" texts, to merge into
translations/nl/LC_MESSAGES/messages.po."""

NL = {
    # navigation (core/navigation.py)
    "Municipalities": "Gemeenten",
    # forms (placements/municipality_forms.py)
    "Choose a number from 1 to %(n)d.": "Kies een getal van 1 tot en met %(n)d.",
    "GM and four digits, like GM0344.": "GM en vier cijfers, zoals GM0344.",
    "Number of places": "Aantal plaatsen",
    "Only when the offer is not for a group.": "Alleen als het aanbod niet voor een groep is.",
    "Department": "Afdeling",
    "Workplace address": "Adres van de werkplek",
    "Workplace supervisor": "Werkbegeleider",
    "E-mail address of the supervisor": "E-mailadres van de werkbegeleider",
    "Phone number of the supervisor": "Telefoonnummer van de werkbegeleider",
    "Municipality or organisation": "Gemeente of organisatie",
    "Your name": "Uw naam",
    "Your e-mail address": "Uw e-mailadres",
    "We send a confirmation to this address.": "We sturen een bevestiging naar dit adres.",
    "How many internship places?": "Hoeveel stageplekken?",
    "For which group?": "Voor welke groep?",
    "Which period?": "Welke periode?",
    "Only for another period. For example: March to May 2027.": (
        "Alleen voor een andere periode. Bijvoorbeeld: maart tot mei 2027."
    ),
    "Workplace supervisor, if you know": "Werkbegeleider, als u dat al weet",
    "Name, and e-mail address or phone number.": "Naam, en e-mailadres of telefoonnummer.",
    "Leave this field empty": "Laat dit veld leeg",
    "Municipality": "Gemeente",
    "Name of the new municipality": "Naam van de nieuwe gemeente",
    "The sender gets this reason by e-mail.": "De afzender krijgt deze reden per e-mail.",
    # service messages (placements/municipality_services.py)
    "Use text.": "Gebruik tekst.",
    "%(n)d places are already taken. Choose %(n)d or more.": (
        "Er zijn al %(n)d plaatsen bezet. Kies %(n)d of meer."
    ),
    "Use GM and four digits, like GM0344.": "Gebruik GM en vier cijfers, zoals GM0344.",
    "Choose one of the 12 provinces.": "Kies een van de 12 provincies.",
    "Another municipality already has this CBS code.": "Een andere gemeente heeft deze CBS-code al.",
    "Choose a group, or fill in the first and last day.": (
        "Kies een groep, of vul de eerste en laatste dag in."
    ),
    "More places are taken now. Reload the page and try again.": (
        "Er zijn nu meer plaatsen bezet. Laad de pagina opnieuw en probeer het nog een keer."
    ),
    "Choose a group from the list.": "Kies een groep uit de lijst.",
    "Choose a group, or say in which period.": "Kies een groep, of schrijf in welke periode.",
    "This offer has already been handled.": "Dit aanbod is al afgehandeld.",
    "Already handled.": "Al afgehandeld.",
    # views (placements/municipality_views.py)
    "No group: a period": "Geen groep: een periode",
    "The internship places are saved.": "De stageplekken zijn opgeslagen.",
    "Another period": "Een andere periode",
    "You have sent this form many times. Try again in %(n)d minutes.": (
        "U heeft dit formulier veel keer verstuurd. Probeer het over %(n)d minuten opnieuw."
    ),
    "A new municipality (fill in below)": "Een nieuwe gemeente (vul hieronder in)",
    "The offer is accepted. The contact person gets an e-mail.": (
        "Het aanbod is geaccepteerd. De contactpersoon krijgt een e-mail."
    ),
    "The offer is refused. The sender gets the reason by e-mail.": (
        "Het aanbod is afgewezen. De afzender krijgt de reden per e-mail."
    ),
    # e-mails (templates/mail/offer_received*)
    "We have received your offer of internship places": "We hebben uw aanbod van stageplekken ontvangen",
    "Thank you for offering internship places to %(organisation)s. This is what you sent us:": (
        "Bedankt dat u stageplekken aanbiedt aan %(organisation)s. Dit heeft u ons gestuurd:"
    ),
    "Group or period": "Groep of periode",
    "What happens next? A programme manager checks your offer within a few working days. Then we send "
    "you an e-mail with our answer. When we accept your offer, you get an account. With it, you answer "
    "the interns we propose to you.": (
        "Wat gebeurt er nu? Een programmamanager bekijkt uw aanbod binnen een paar werkdagen. Daarna "
        "sturen we u een e-mail met ons antwoord. Als we uw aanbod accepteren, krijgt u een account. "
        "Daarmee reageert u op de stagiairs die wij voorstellen."
    ),
    "You do not have to do anything now.": "U hoeft nu niets te doen.",
    "Your internship places are accepted": "Uw stageplekken zijn geaccepteerd",
    "Good news: we have accepted your offer of internship places for the municipality of %(municipality)s.": (
        "Goed nieuws: we hebben uw aanbod van stageplekken voor de gemeente %(municipality)s geaccepteerd."
    ),
    "You also get a separate e-mail with a link to choose your password. With your account, you answer "
    "the interns we propose to you.": (
        "U krijgt ook een aparte e-mail met een link om uw wachtwoord te kiezen. Met uw account reageert "
        "u op de stagiairs die wij voorstellen."
    ),
    "Log in with your account to answer the interns we propose to you:": (
        "Log in met uw account om te reageren op de stagiairs die wij voorstellen:"
    ),
    "About your offer of internship places": "Over uw aanbod van stageplekken",
    "Thank you for your offer of internship places. We cannot accept it. The reason:": (
        "Bedankt voor uw aanbod van stageplekken. We kunnen het niet accepteren. De reden:"
    ),
    # pages (templates/placements/)
    "Add a municipality": "Gemeente toevoegen",
    "Offered places to check (%(n)d)": "Aangeboden plekken om te bekijken (%(n)d)",
    "Municipalities can also offer places themselves, without an account:": (
        "Gemeenten kunnen ook zelf plekken aanbieden, zonder account:"
    ),
    "Offer internship places": "Stageplek aanbieden",
    "Offers": "Aanbod",
    "Free places": "Vrije plaatsen",
    "No municipalities yet.": "Nog geen gemeenten.",
    "No contact persons yet.": "Nog geen contactpersonen.",
    "Invite a contact person": "Contactpersoon uitnodigen",
    "(choose the role Municipality contact and this municipality)": (
        "(kies de rol Contactpersoon gemeente en deze gemeente)"
    ),
    "Internship places": "Stageplekken",
    "Add internship places": "Stageplekken toevoegen",
    "Taken": "Bezet",
    "Free": "Vrij",
    "No internship places yet.": "Nog geen stageplekken.",
    "Change internship places": "Stageplekken wijzigen",
    "%(n)d places are taken.": "Er zijn %(n)d plaatsen bezet.",
    "For a group, or for a period": "Voor een groep, of voor een periode",
    "Workplace supervisor, if known": "Werkbegeleider, als die bekend is",
    "Does your municipality have room for an intern? Our trainees are experience experts: they went "
    "through civic integration themselves and are training to become integration consultants. The "
    "internship is 8 weeks, right after the training.": (
        "Heeft uw gemeente plek voor een stagiair? Onze deelnemers zijn ervaringsdeskundigen: ze zijn "
        "zelf ingeburgerd en worden opgeleid tot inburgeringsconsulent. De stage duurt 8 weken, direct "
        "na de opleiding."
    ),
    "Fill in this form. You do not need an account. A programme manager checks your offer and e-mails you.": (
        "Vul dit formulier in. U heeft geen account nodig. Een programmamanager bekijkt uw aanbod en "
        "stuurt u een e-mail."
    ),
    "Send the offer": "Aanbod versturen",
    "Thank you for your offer": "Bedankt voor uw aanbod",
    "We have received your offer of internship places.": "We hebben uw aanbod van stageplekken ontvangen.",
    "What happens next?": "Wat gebeurt er nu?",
    "You get an e-mail that confirms your offer. Did you not get it? Then look in your spam folder.": (
        "U krijgt een e-mail die uw aanbod bevestigt. Heeft u die niet gekregen? Kijk dan in uw map "
        "met ongewenste e-mail (spam)."
    ),
    "A programme manager checks your offer within a few working days.": (
        "Een programmamanager bekijkt uw aanbod binnen een paar werkdagen."
    ),
    "Then we send you an e-mail with our answer.": "Daarna sturen we u een e-mail met ons antwoord.",
    "When we accept your offer, you get an account. With it, you answer the interns we propose to you.": (
        "Als we uw aanbod accepteren, krijgt u een account. Daarmee reageert u op de stagiairs die wij "
        "voorstellen."
    ),
    "Offered internship places": "Aangeboden stageplekken",
    "Municipalities offered these places on the public page. Accept an offer to add the places to a "
    "municipality and invite the contact person, or refuse it with a reason.": (
        "Gemeenten hebben deze plekken aangeboden op de openbare pagina. Accepteer een aanbod om de "
        "plekken aan een gemeente toe te voegen en de contactpersoon uit te nodigen. Of wijs het af "
        "met een reden."
    ),
    "Contact person": "Contactpersoon",
    "Received": "Ontvangen",
    "Accept": "Accepteren",
    "A new municipality": "Een nieuwe gemeente",
    "The contact person gets an e-mail, and an account for this municipality if they do not have one yet.": (
        "De contactpersoon krijgt een e-mail, en een account voor deze gemeente als die er nog geen heeft."
    ),
    "Accept and invite the contact person": "Accepteren en contactpersoon uitnodigen",
    "Refuse": "Afwijzen",
    "Refuse and send the reason": "Afwijzen en de reden sturen",
    "No offers are waiting.": "Er wachten geen aanbiedingen.",
}
