"""Danger signals in a help request: these go to professionals, never to volunteers.

Rules on normalised text (Dutch and English), plus tolerant matching of a few
distinctive words so that 'mishandelt', 'mishandld' or 'zelfmoort' still count.
A false alarm costs little (the resident sees professional help and the
emergency numbers); a missed one can cost a lot, so the rules lean cautious.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import GateSet, literal_gate, may_match, read

ALARM = {"name": "Alarmnummer bij direct gevaar", "phone": "112"}
VEILIG_THUIS = {"name": "Veilig Thuis (huiselijk geweld, kindermishandeling)", "phone": "0800-2000"}
ZELFMOORDPREVENTIE = {"name": "113 Zelfmoordpreventie", "phone": "0800-0113"}
EMERGENCY_NUMBERS: list[dict] = [ALARM, VEILIG_THUIS, ZELFMOORDPREVENTIE]
LEVELS = ("none", "possible", "danger")

_PERSON_NL = (r"(partner|man|vrouw|vriend|vriendin|ex|vader|moeder|stiefvader|stiefmoeder|zoon"
              r"|dochter|broer|zus|oom|buurman|hij|zij|ze)")
_PERSON_EN = r"(he|she|husband|wife|partner|boyfriend|girlfriend|father|dad|mother|mom|mum|ex|stepfather)"
_CHILD = r"\b(\w*(kind|kinderen|kindje|jongetje|jongen|meisje|zoontje|dochtertje)|kids|children|child)\b"
_ME_NL = r"(me|mij|ons|haar|hem|de kinderen|mijn|m n|het kind|de kids)"
# Someone the writer lives with or depends on (not a landlord or a housing corporation).
_HOUSEMATE = (r"hij|zij|ze|((mijn|m n|mn|haar|zijn) )?(ex|man|vrouw|vriend|vriendin|partner|zoon|dochter|kleinzoon"
              r"|schoonzoon|schoonmoeder|schoonvader|schoonfamilie|familie|vader|moeder|broer|stiefvader)")
# A partner, or grown children and in-laws (an older person put out): not parents putting out a grown child.
_PARTNER = (r"hij|zij|((mijn|m n|mn|haar|zijn) )?(ex|man|vrouw|vriend|vriendin|partner|zoon|dochter|kleinzoon"
            r"|schoonzoon|schoonmoeder|schoonfamilie)")
_HOUSEMATE_EN = r"he|she|(my|her) (ex|husband|wife|partner|boyfriend|girlfriend|son|father|family)"
# Afraid at home because the writer lives alone now (a death, a burglary): loneliness, not danger.
_NOT_ALONE = (r"^(?!.*\b(woon (nu |sindsdien )?alleen|ben (nu |sindsdien )?alleen|alleen (thuis|in huis|wonen)|overleden"
              r"|inbraak|ingebroken|inbrekers|weduw\w*)\b).*?")
_NOT_LANDLORD = r"^(?!.*\b(verhuurder|woningcorporatie|corporatie|huisbaas|deurwaarder|ontruim\w*|landlord|eviction)\b).*?"

_PATTERNS: list[tuple[str, str]] = [
    # violence and abuse
    ("home", r"geweld(?!ig)"),  # also compounds: huiselijkgeweld, partnergeweld; not "geweldig"
    ("home", r"mishandel"),  # also ouderenmishandeling, kindermishandeling
    ("home", r"\bgeslagen\b"),
    ("home", rf"\b(slaat|schopt|sloeg|schopte|duwt|knijpt|wurgt|wurgde)\s+{_ME_NL}\b"),
    ("home", rf"\b{_ME_NL}\s+(slaat|sloeg|schopt)\b"),
    ("home", r"\bin elkaar (geslagen|slaan|getrapt)"),
    ("home", rf"\b{_PERSON_NL}\b.{{0,30}}\bagressief"),
    ("home", r"\bagressief\b.{0,20}\b(tegen|naar)\s+(mij|me|ons|de kinderen)\b"),
    ("home", r"misbruik"),
    ("home", r"\bverkracht"),
    ("home", r"\baanrand"),
    ("child", r"\bverwaarloos"),
    ("child", r"\bverwaarlozing"),
    ("home", r"\buitbuit"),
    ("home", r"\bloverboy"),
    ("home", r"\beer(wraak|gerelateerd)"),
    ("home", r"\bmensenhandel"),
    # threats and stalking
    ("threat", r"\bbedreig"),
    ("threat", r"\bdreig\w*\s+(mij|me|ons|haar|hem)\b"),
    ("threat", r"\bdreigt\b.{0,40}\b(aan te doen|vermoorden|dood|slaan|pijn)"),
    ("threat", r"\bdreigende\s+(berichten|brieven|taal|sms)"),
    ("threat", r"stalk"),  # gestalkt
    ("threat", r"\bbelaagd"),
    ("threat", r"\b(bang|angstig)\s+voor\s+(mijn|m n|mn|haar|zijn)\s+" + _PERSON_NL),
    ("threat", r"\bdurf\w*\s+niet\s+(meer\s+)?(naar\s+)?huis"),
    ("threat", r"\bniet\s+(meer\s+)?veilig\s+(thuis|in huis)"),
    ("threat", r"\bonveilig"),
    ("immediate", r"\b(ik ben|wij zijn|we zijn|zijn wij) in gevaar\b"),
    ("child", r"\bzorgen (om|over) (een|het) kind\b"),
    ("child", r"\bkind\b.{0,30}\b(niet veilig|gevaar)"),
    # suicide and self-harm
    ("suicide", r"\bzelfmoord"),
    ("suicide", r"\bzelfdoding"),
    ("suicide", r"\bsuicid"),
    ("suicide", r"\beinde aan (mijn|m n|het|zijn|haar) leven"),
    ("suicide", r"\bniet meer (willen\s+)?leven\b"),
    ("suicide", r"\bwil\w*\s+(niet meer leven|dood)\b"),
    ("suicide", r"\bdood\s+(willen|wil)\b"),
    ("suicide", r"\bzie het (echt\s+|helemaal\s+)?niet meer zitten(?!\s+(met|om|qua|wat)\b)"),
    ("suicide", r"\buit het leven (stappen|gaan)"),
    ("suicide", r"\b(mezelf|mijzelf|mij zelf)\s+(iets\s+)?(aandoen|van kant)"),
    ("suicide", r"\bkill (myself|me)\b"),
    ("suicide", r"\bend (my|it all|my own) li(fe|ves)"),
    ("suicide", r"\bwant(s)? to die\b(?! (at home|in peace|peacefully|in (her|his|their) own))"),
    ("suicide", r"\bself harm"),
    # English violence and threats
    ("home", r"\bdomestic violence"),
    ("home", r"\bviolen(t|ce)\b"),
    ("home", r"\babus(e|ed|es|ing|ive)\b"),
    ("home", r"\bthreat(en|ens|ened|s)?\b"),
    ("home", r"\brape"),
    ("home", r"\bmolest"),
    ("home", rf"\b{_PERSON_EN}\b.{{0,25}}\b(hits?|beats?|hurts?|kicks?|chokes?)\s+(me|us|my|the kids|the children)\b(?!\s+out\b)"),
    ("home", rf"\b(afraid|scared) of (my|her|his) {_PERSON_EN}\b"),
    ("home", r"\b(not|don t|dont) feel safe at home"),
    ("home", r"\bunsafe at home"),
    ("home", r"\b(afraid|scared) (at|to go) home"),
    ("immediate", r"\bin danger\b"),
    # suicide in euphemism
    ("suicide", r"\bwil\w* er (eigenlijk |gewoon |echt )?niet meer (zijn|wezen)\b"),
    ("suicide", r"\bhoeft (het )?(voor mij )?niet meer\b"),
    ("suicide", r"\b(iedereen|ze|jullie) (is|zijn|zou|zouden)\b.{0,20}\bbeter af zonder (mij|me)\b"),
    ("suicide", r"\b(geen|niet meer) zin (meer )?in (het )?leven\b"),
    ("suicide", r"\b(niet|nooit) meer wakker (te )?(willen )?(word|worden|wordt)\b"),
    ("suicide", r"\b(don t|dont|do not) want to (be here|live|wake up)\b"),
    ("suicide", r"\bbetter off without me\b"),
    ("suicide", r"\bcut(ting)? myself\b|\bmezelf (snij|snijd|pijn doe)"),
    # well-known warning signs of suicide (113's list): saved-up pills, a rope, farewell letters,
    # giving things away, "I won't be here soon"
    ("suicide", r"\b(pillen|tabletten|medicijnen|slaappillen)\b.{0,40}\b(gespaard|verzameld|opgespaard|bewaard)\b"),
    ("suicide", r"\b(gespaard|verzameld|opgespaard)\b.{0,30}\b(pillen|tabletten|slaappillen)\b"),
    ("suicide", r"\b(touw|strop)\b.{0,60}\b(klaar|gelegd|liggen|voor als)\b"),
    ("suicide", r"\b(afscheidsbrief|afscheidsbrieven|afscheid nemen van iedereen)\b"),
    ("suicide", r"\b(ben|zijn)\s+er\s+(binnenkort|straks|snel)\s+niet\s+meer\b"),
    ("suicide", r"\b(saved up|stockpil\w*) (pills|tablets|medication)\b|\bgoodbye letters?\b"),
    # exploitation and trafficking: documents taken, debt bondage
    ("home", r"\b(paspoort|id kaart|identiteitsbewijs|papieren)\b.{0,40}\b(afgepakt|afgenomen|ingenomen|houdt|pakt)\b"),
    ("home", r"\b(afgepakt|afgenomen|ingenomen)\b.{0,20}\b(paspoort|identiteitsbewijs)\b"),
    ("home", r"\b(pakt|pakte|houdt|hield|neemt|nam)\b.{0,15}\b(mijn|haar|zijn|m n)\s+(paspoort|identiteitsbewijs)\b"),
    ("home", r"\b(took|takes|keeps|kept) (my|her|his) passport\b"),
    # an older person exploited or hurt by family
    ("elder", r"\b(zoon|dochter|kleinzoon|kleindochter|neef|familie)\b.{0,40}\b(pinpas|bankpas|pincode|pensioen|rekening|spaargeld)\b.{0,30}\b(af|weg|leeg|gepakt|genomen|opgenomen)\b"),
    ("elder", r"\b(neemt|nam|pakt|pakte|haalt|haalde)\b.{0,20}\b(haar|zijn|mijn)\s+(pinpas|bankpas|pensioen|geld)\b.{0,10}\b(af|weg)\b"),
    ("elder", r"\b(takes|took|steals|stole) (her|his|my) (money|pension|bank card)\b"),
    ("elder", r"\b(doen|doet|deden|sluiten|sluit)\b.{0,25}\b(kamer|kamerdeur|deur)\b.{0,10}\bop slot\b"),
    # physical violence in plain words, also as learners and texters write it
    ("home", r"\b(me|mij|haar|ons)\b.{0,25}\b(geduwd|gestompt|geschopt|gewurgd|klem gezet|bij de keel)\b"),
    ("home", r"\btegen de (muur|kast|deur|grond)\s+(geduwd|gegooid|aan)\b|\bvan de trap (geduwd|gegooid)\b"),
    ("home", r"\b(pushed|shoved|slapped|strangled|choked|punched|kicked)\s+(me|her|us)\b"),
    ("home", r"\b(blauw oog|blauw op (haar |zijn |mijn )?(gezicht|arm)|black eye)\b"),
    ("home", r"\b(uithuwelijk\w*|gedwongen (te )?trouwen|moet trouwen met|forced (to )?marr\w*)\b"),
    ("home", r"\b(stiefvader|stiefmoeder|oom|vriend van (mama|mijn moeder))\b.{0,60}\b(kamer in|aanraakt|aanraken|aan mij zit|eng)\b"),
    # threats: he knows where I live; "you will see what happens"; going home is not safe
    ("threat", r"\bweet (waar (ik|wij|we) wo\w*|waar (mijn|m n|de) kinderen|op welke school)"),
    ("threat", r"\bknows where (i|we) live\b|\bknows (my kids|where my children)"),
    ("threat", r"\b(wel )?zou (zien|merken) wat er (gebeurt|gebeurd)\b|\bvolgende keer (wordt het |is het )?erger\b"),
    ("threat", r"\b(te grazen nemen|te grazen neemt|maakt me af|maak je af|vermoord\w*|kill (me|you|her))\b"),
    ("threat", r"\b(durf|durft|durven)\b.{0,15}\bniet\b.{0,15}\b(terug naar huis|naar huis|thuis te komen|naar binnen)\b"),
    ("threat", r"\b(scared|afraid) to (go|sleep|stay|be) (home|there|at home)\b"),
    ("threat", r"\b(blokkeer|geblokkeerd|blok)\w*\b.{0,40}\b(nieuw|nieuwe|ander|andere) (nummer|nummers|account)\b"),
    ("threat", r"\b(achter (me|mij) aan|rijdt me achterna|volgt me overal)\b"),
    # suicide in plain and indirect words
    ("suicide", r"\ber (een )?eind(e)? aan (te )?(maken|make|mak)\b"),
    ("suicide", r"\b(het|alles)\s+(allemaal\s+)?(voor mij\s+)?niet meer hoeft\b"),
    ("suicide", r"\b(beter|opvallen|missen)\b.{0,40}\bals ik er niet (meer )?(was|ben|zou zijn)\b"),
    ("suicide", r"\bals ik er niet (meer )?(was|ben|zou zijn)\b.{0,40}\b(beter|opvallen|missen)\b"),
    ("suicide", r"\b(snij|snijd|snijdt|sneed|kras|krast)\w*\s+(mezelf|mijzelf|me|in mijn)\b"),
    ("suicide", r"\bwil\w*\s+(niet\s+meer\s+)?(leef|leve)\b(?! ?n)|\bmezelf dood\b|\bwil dood\b"),
    ("suicide", r"\b(no reason to live|not be here anymore|end it all|disappear forever|wish i (was|were) dead)\b"),
    ("suicide", r"\b(everyone|they) (would be|is|are) better off\b"),
    ("suicide", r"\b(see|seeing) (the|no) point in (living|life|going on)\b|\b(thinking|think) (about|of) ending (it|my life)\b"),
    ("threat", r"\bdreig\w*\b.{0,50}\b(kapot|mee te nemen|meenemen|iets aan te doen|iets te doen|foto s|fotos|te verspreiden)\b"),
    ("threat", r"\b(foto s|fotos|photos|pictures)\b.{0,40}\b(dreigt|verspreiden|online zetten|threaten\w*|share them)\b"),
    ("home", r"\b(wil|willen|wilt)\s+dat ik\b.{0,40}\btrouw\w*\b"),
    ("home", r"\bschuldig ben\b.{0,60}\b(aardig|vrienden|terugbetalen door)\b"),
]

# Implicit signals: a professional clears these before any volunteer sees the request.
_POSSIBLE: list[tuple[str, str]] = [
    ("home", rf"\b(bang|angstig)\b.{{0,40}}\b((als|wanneer|dat)\s+{_PERSON_NL}|(als|wanneer)\s+(mijn|m n|mn)\s+{_PERSON_NL})\b.{{0,30}}"
             r"\b(thuis\w*|boos|komt|drinkt|dronken|gedronken|gebruikt|drugs|binnenkomt|kwaad)"),
    # anger at the writer's own steps (going out, asking about money, talking to people): coercive control
    ("home", r"\b(wordt|werd|word|gets|got|becomes)\s+(heel\s+|erg\s+|zo\s+|really\s+|very\s+)?(boos|kwaad|woedend|angry|mad|furious)"
             r"\s+(als|wanneer|when|if)\s+(ik|i)\b.{0,40}\b(zonder (hem|haar)|de deur uit|naar buiten|weg ga|wat zeg|iets zeg"
             r"|vraag|praat|bel|ask|talk|go out|leave|see my|call)"),
    ("home", r"\b(bang|angstig)\s+(voor|van)\s+(hem|haar|mijn ex|mijn man|mijn vrouw|mijn partner|mijn vriend)\b"),
    # afraid at home, but not afraid of being home alone (loneliness, burglars: ordinary help)
    ("home", rf"{_NOT_ALONE}\b(bang|angstig|eng)\b(?:(?!\balleen\b).){{0,15}}\b(thuis|in huis)\b(?!\s+alleen\b)"),
    ("home", r"\blaat\s+(me|mij)\s+niet\b.{0,25}\b(alleen|naar buiten|de deur uit|weg|bellen)"),
    ("home", r"\bmag\s+(ik\s+)?niet\b.{0,20}\b(naar buiten|de deur uit|weg|bellen|van hem|van haar)"),
    # put out of the house by a partner or family: locks changed, key no longer fits, things on the
    # street; not a landlord's eviction or a new lock (wonen and klussen)
    ("home", rf"{_NOT_LANDLORD}\b({_HOUSEMATE})\b.{{0,40}}\b(slot|sloten|code)\b.{{0,15}}\b(veranderd|vervangen|gewisseld|verwisseld)\b"),
    ("home", rf"\b({_HOUSEMATE})\b.{{0,60}}\b(sleutel|sleutels)\b.{{0,15}}\b(past|passen|werkt|werken|doet het)\b.{{0,10}}\bniet meer\b"),
    ("home", rf"{_NOT_LANDLORD}\b({_PARTNER})\b.{{0,40}}\b(buiten|eruit|uit huis|het huis uit|de deur uit|op straat)\s+gezet\b"
             rf"|\b(buiten|eruit|uit huis|het huis uit|de deur uit|op straat)\s+gezet\s+door\s+({_PARTNER})\b"),
    ("home", rf"\b({_PARTNER})\b.{{0,40}}\b(buitengezet|buitengesloten|buiten gesloten|op (het )?nachtslot)\b"),
    ("home", rf"{_NOT_LANDLORD}\b({_PARTNER})\b.{{0,40}}\b(mijn|m n|haar|zijn) spullen\b.{{0,20}}\b(op straat|buiten|voor de deur)\b"),
    ("home", rf"{_NOT_LANDLORD}\b({_HOUSEMATE_EN})\b.{{0,40}}\b(changed|changes|changing) the (locks|lock|code)\b|"
             rf"{_NOT_LANDLORD}\b(kick|kicks|kicked|throw|throws|thrown|threw|lock|locks|locked|put|puts) (me|us|her) out\b"),
    ("home", r"\b(schreeuw|geschreeuw|gegil|gillen|huilen)\b.{0,60}\b(buren|naast|bovenburen|onderburen|kind|kinderen)\b"),
    ("home", r"\b(scared|afraid|frightened) (of|when) (him|her|my)\b"),
    ("threat", r"\b(volgt|achtervolgt|wacht)\s+(me|mij)\b.{0,30}\b(op|overal|bij|na)\b|\bstaat\b.{0,20}\bvoor (mijn|m n) deur\b"),
    ("threat", r"\b(blijft|stuurt)\b.{0,30}\b(berichten|appjes|sms|whatsapp)\b.{0,40}\b(bang|eng|nare|boze|dreig)"),
    ("threat", r"\b(keeps|kept) (texting|messaging|following|calling) me\b|\bfollow(s|ing)? me\b"),
    # a child word also inside a compound: buurjongetje, overbuurmeisje, buurkind
    ("child", rf"{_CHILD}.{{0,50}}\b(honger|vies|vieze|alleen thuis|blauwe plekken|niet opgehaald)\b.{{0,40}}\b(school|buurt|dagen|vaak|steeds|altijd|elke)\b"),
    ("child", r"\b(blauwe plekken|bruises)\b"),
    ("suicide", r"\bzie het (echt\s+|helemaal\s+)?niet meer zitten\s+(met|om|qua|wat)\b"),
    ("suicide", r"\b(somber|depressief|wanhopig)\b.{0,40}\b(geen uitweg|geen zin|het niet meer)\b"),
    # pills hoarded (learners' Dutch says it plainly): a professional looks first
    ("suicide", r"\b(veel|heel veel|alle|een hoop|genoeg|doosjes|strips)\s+(pillen|tabletten|slaappillen|medicijnen|pijnstillers)\s+"
                r"(gekocht|verzameld|gespaard|bewaard|opgespaard)\b|\b(saved up|collected|hoarding|stockpiling)\s+(pills|tablets)\b"),
    ("elder", r"\b(zoon|dochter|kleinzoon|familie)\b.{0,40}\b(geld|pinpas|bankpas)\b.{0,40}\b(durft|durf|bang|niets zeggen)\b"),
    ("elder", r"\b(zoon|dochter|kleinzoon|kleindochter|neef|schoonzoon|broer|vriend|jongen)\b.{0,60}\b(mijn|haar|zijn)\s+"
              r"(bankpas|pinpas|pincode|inlogcodes|bankzaken)\b"),
    # a partner who controls money, going out or contact (coercive control)
    ("home", r"\bmag\b.{0,25}\bniet\b.{0,25}\b(naar buiten|de deur uit|weg|bellen|werken|naar taalles|naar school|"
             r"bankapp|rekening|afschriften|zien)\b"),
    ("home", r"\b(alleen|pas) (naar buiten|de deur uit|weg)\b.{0,20}\bals (hij|zij|ze) erbij is\b"),
    ("home", r"\b(hij|zij|mijn man|mijn vrouw|mijn partner|mijn vriend|m n man|m n vriend)\b.{0,30}\b(houdt|heeft|pakt|beheert)\b"
             r".{0,15}\b(mijn|m n)\s+(pas|pinpas|bankpas|loon|uitkering|paspoort|verblijfsvergunning)\b"),
    ("home", r"\b(wordt|werd|word)\s+(heel\s+|erg\s+|zo\s+)?(boos|kwaad|agressief)\b.{0,80}\b(bang|durf|eng)\b"),
    ("home", r"\b(bang|durf)\b.{0,80}\b(wordt|werd|word)\s+(heel\s+|erg\s+|zo\s+)?(boos|kwaad|agressief)\b"),
    ("home", r"\b(controls|takes) (all )?(my|our) (money|bank card|wages|salary)\b|\bcheck(s|ed)? my phone\b|"
             r"\bwon t let me (see|go out|work|call|have)\b"),
    ("home", r"\bwaar kan ik (heen|naartoe|slapen)\b.{0,30}\b(met|vannacht)\b|\bkan\b.{0,15}\bniet (meer )?terug\b.{0,20}\b(naar huis|vannacht)\b"),
    ("threat", r"\bstaat\b.{0,25}\b(steeds|elke dag|s nachts|weer|ineens)\b.{0,25}\b(bij|voor|in)\b.{0,10}\b(deur|huis|flat|werk|gang)\b"),
    ("child", rf"({_CHILD}|\b(zoon|dochter|leerling|kleindochter|kleinzoon)\b).{{0,80}}\b(zonder (ontbijt|eten|brood|jas)|"
              r"uit de prullenbak|onverzorgd|niet naar huis wil|wil niet naar huis|in de kast)\b"),
    ("suicide", r"\b(geen (zin|reden) meer|heeft (het )?geen zin meer|no point)\b.{0,40}\b(leven|alles|anything|living)\b"),
    ("threat", r"\b(zegt|zei|gezegd)\b.{0,40}\b(me|mij|mijn kinderen|de kinderen|ons)\b.{0,10}\biets (aan)?(doet|doen|aandoet)\b"),
    ("threat", r"\bstuurt (mij|me|ons) terug naar\b|\bte schande\b"),
    ("home", r"\b(vrouwenopvang|blijf van mijn lijf|safe house|women s shelter)\b"),
    ("home", r"\b(don t|do not|dont|no longer) feel safe\b|\bvoel (me|mij) (niet|nergens) (meer )?veilig\b"),
    ("home", r"\b(me|mij) (nog nooit )?(echt )?pijn gedaan\b"),
    ("home", r"\b(naast|buren|bovenburen|onderburen|buurvrouw|buurman|next door)\b.{0,80}\b(schreeuw\w*|geschreeuw|gegil|gillen|screaming)\b"),
    ("child", r"\bschreeuw\w*\b.{0,20}\btegen (de|het|mijn|hun) (kind|kinderen)\b"),
    ("child", r"\b(blauwe plek|blauwe plekken)\b"),
    ("child", rf"{_CHILD}.{{0,80}}\b(niemand (doet open|komt)|nobody comes|"
              r"alone (in|at) (the|home)|tot laat buiten|crying for hours)\b"),
    ("elder", r"\b(taking|took|stealing|stole) money\b|\bgeld\b.{0,30}\b(van (haar|zijn|mijn) rekening|verdwijnt|verdwenen)\b"),
    # a child alone at night, or told "mum is sleeping" when nobody answers the door
    ("child", rf"{_CHILD}.{{0,60}}\balleen\b.{{0,25}}\b(in de nacht|s nachts|de hele nacht|tot (heel |diep )?in de nacht)\b|"
              r"\b(kids|children|child|boy|girl|little one)\b.{0,50}\balone (most|every|all) (evenings|nights|night)\b"),
    ("child", r"\b(zegt|zei|says|said)\b.{0,20}\b(mama|mam|moeder|mum|mom|mother)\b.{0,15}\b(slaapt|ligt te slapen|is sleeping|is asleep)\b"),
    # an ex (or someone) who will not let go: messages on and on, waiting at work or at the door
    ("threat", r"\b(mijn |m n |mn )?ex\b.{0,30}\b(blijft|bleef)\b.{0,20}\b(appen|bellen|berichten|sms\w*|mailen|langskomen|aanbellen)\b"),
    ("threat", r"\b(staat|stond|wacht|wachtte|zit|zat)\b.{0,20}\b(bij|voor|op)\s+(mijn|m n|mn)\s+(werk|school|huis|deur|flat|stoep)\s+"
               r"(te wachten|op (mij|me)|te kijken)\b|\bkomt\b.{0,25}\bvoor (mijn|m n|mn|ons) (huis|deur|flat|raam) staan\b"),
    ("threat", r"\b(keeps|kept) (turning|showing) up\b|\bturn(s|ed)? up wherever\b|"
               r"\b(messages|texts|calls) me from (different|new|other) (numbers|accounts)\b"),
    ("elder", r"\b(uitgebuit|exploited)\b"),
]

# Fear of a person at home that is not said outright: help is wanted only while a housemate is
# away, contact goes around them, and it is kept from them (he must not know, don't call the house,
# "I can't explain why"). Each cue alone is ordinary ("when my husband is at work I have time");
# two of them together are a signal a professional should look at first.
_AWAY = re.compile(
    rf"\b(als|wanneer|zolang|terwijl|dat)\s+({_HOUSEMATE}|(mijn|m n|mn|haar|zijn) \w+)\s+(\w+\s+){{0,4}}(weg|niet thuis|er niet"
    r"|(naar|op) (zijn|haar|zn|z n|d r|dr) werk|aan het werk|werken|werkt|uit huis|in (het )?cafe)\b(?! (is )?om)"
    rf"|\b(als|wanneer|zolang)\s+({_HOUSEMATE}|(mijn|m n|mn) \w+)\s+(\w+\s+){{0,2}}(thuis|er|hier)\s+is\b.{{0,50}}"
    r"\b(liever niet|beter niet|niet komen|beter dat|niemand|nee)\b"
    r"|\bdan is (hij|zij|ze|(mijn|m n|mn) \w+) (\w+\s+){0,2}(weg|er niet|niet thuis|naar|op (zijn|haar) werk|aan het werk)\b"
    r"|\b(as long as|only when|only while|when|while|if)\s+(he|she|(my|her|his) \w+)\s+(is|s|has)\s+(\w+\s+){0,2}(out|away"
    r"|at work|not (at )?home|gone|left|asleep)\b|\bafter\b.{0,20}\b(he|she|(my|her|his) \w+) (has|s) left\b"
    r"|\bif (his|her) car is (there|outside)\b")
_SECRET = re.compile(
    r"\b(mag|mogen|hoeft|moet|moeten)\s+((het|dit|dat|er)\s+)?(niet|niets|nooit)\s+((van\s+)?(te\s+)?(weten|merken|horen|zien))\b"
    rf"|\bzonder dat\s+({_HOUSEMATE})(\s+en\s+\w+)?\s+((het|dit|er)\s+)?\w*\s*(weet|weten|merkt|merken|ziet|hoort)\b"
    r"|\b(leg|vertel) (het|dat) niet uit\b|\bniet alles (zeggen|vertellen|schrijven)\b"
    r"|\b(bel|belt|bellen)\b.{0,25}\bniet\b.{0,15}\b(naar|op)\s+((mijn|m n|het|ons)\s+)?(huis\w*|vaste\w*|thuis\w*)"
    r"|\b(nooit|niet)\b.{0,15}\b(bel|belt|bellen)\b.{0,10}\b(op|naar)\s+((mijn|m n|het|ons|haar|zijn)\s+)?(huis\w*|vaste\w*|thuis\w*)"
    r"|\b(niet|nooit)\s+(naar|op)\s+((mijn|m n|het|ons)\s+)?(huis\w*|vaste (nummer|telefoon|lijn)|thuis\w*)\s+(bellen|belt|bel)\b"
    r"|\bniet bellen naar huis\b"
    r"|\b(leest|opent|pakt|neemt)\b.{0,15}\b(mijn|alle|de)\s+(post|brieven|berichten|telefoon)\b|\b(die|dat) leest (hij|zij)\b"
    r"|\b(geeft|krijg ik|is er|wordt het)\b.{0,25}\b(gedoe|ruzie|problemen|probleem)\b|\b(groot|grote) probleem thuis\b"
    r"|\b(must not|mustn t|can t|cannot|shouldn t|should not|won t) (know|find out|see)\b|\bwithout (him|her|my \w+) knowing\b"
    r"|\b(mustn t|must not|can t|cannot|don t|do not|dont) tell (him|her|my \w+)\b"
    r"|\b(rather|prefer) (he|she) (didn t|did not|doesn t|does not|not) (know|find out)\b"
    r"|\b(don t|dont|do not|never|not) (ring|call|phone) (the|my|our) (house|home|landline)\b"
    r"|\b(don t|dont|do not) (knock|ring the bell)\b|\b(reads|opens|checks) my (post|mail|letters|messages|phone)\b")
# "I can't explain why" says something only about an arrangement just made around someone.
_UNEXPLAINED = re.compile(r"\b(kan|kun|kon)\w*\b.{0,12}\b(niet|moeilijk)\b.{0,12}\b(uitleggen|vertellen|zeggen)\b.{0,15}\bwaarom\b"
                          r"|\bniet\s+(kan|kon|kunnen)\s+(goed\s+)?(uitleggen|zeggen|vertellen)\s+waarom\b"
                          r"|\b(hard|difficult) to explain\b|\b(can t|cant|cannot) (really )?explain\b")
# Someone keeps the writer (or the person written about) from being spoken to alone.
_GATE = re.compile(r"\b(mag|kan|krijg)\b.{0,15}\b(ik|we|wij)\b.{0,15}\b(niet|nooit|bijna nooit)\b.{0,20}"
                   r"\b(alleen met (haar|hem)|aan de lijn|te spreken|spreken)\b"
                   r"|\b(staat|zit) (hij|zij|ze) (er )?(altijd )?erbij\b|\b(staat|zit) (hij|zij|ze) (altijd )?bij\b(?!\s+(de|het|een|haar|zijn|mijn|ons)\b)|\bneemt (hij|zij) (altijd )?op\b"
                   r"|\b(won t|doesn t|never) let (me|us) (talk|speak|see) (to )?(her|him) alone\b|\b(is|s) always there when\b")


_SURPRISE = re.compile(r"\b(verrassing\w*|surprise\w*|cadeau\w*|verjaardag\w*|feest\w*|jubileum|birthday|present|gift)\b")


_AWAY_GATE, _SECRET_GATE, _GATE_GATE, _UNEXPLAINED_GATE, _SURPRISE_GATE = (
    literal_gate(r.pattern) for r in (_AWAY, _SECRET, _GATE, _UNEXPLAINED, _SURPRISE))


def _concealed(norm: str) -> bool:
    away, gate = _found(_AWAY, _AWAY_GATE, norm), _found(_GATE, _GATE_GATE, norm)
    if not (away or gate):  # the secret alone is one cue of the two needed (the costliest rule: not read)
        return False
    if _found(_SURPRISE, _SURPRISE_GATE, norm):  # a surprise party is kept secret too
        return False
    secret = _found(_SECRET, _SECRET_GATE, norm)
    if not secret and (away or gate):
        unexplained = _found(_UNEXPLAINED, _UNEXPLAINED_GATE, norm)
        first = min(m.start() for m in (away, gate) if m)
        secret = unexplained if unexplained and unexplained.start() > first else None
    return sum(bool(m) for m in (away, secret, gate)) >= 2


# Each rule with its literal gate (text.literal_gate): a rule runs only on texts holding one of its words.
_DANGER_RULES = [(topic, re.compile(p), literal_gate(p)) for topic, p in _PATTERNS]
_POSSIBLE_RULES = [(topic, re.compile(p), literal_gate(p)) for topic, p in _POSSIBLE]
# All gates of a rule list at once (text.GateSet): which rules a text may match, in a few lookups.
_DANGER_GATES = GateSet([gate for _t, _r, gate in _DANGER_RULES])
_POSSIBLE_GATES = GateSet([gate for _t, _r, gate in _POSSIBLE_RULES])

# Distinctive words checked with one typo allowed (two for long words).
_FUZZY_WORDS = ("mishandeld", "mishandelt", "mishandeling", "kindermishandeling", "bedreigd",
                "bedreigt", "bedreiging", "zelfmoord", "zelfdoding", "verkracht", "verkrachting",
                "geslagen", "huiselijk", "suicide", "violence", "misbruikt")


@dataclass(frozen=True)
class SafetyAssessment:
    """How unsafe a text sounds, and about what (home, threat, child, suicide, elder, immediate)."""

    level: str = "none"
    topics: frozenset[str] = frozenset()
    denied: bool = False  # the writer says the danger is not there ("hij is niet agressief")

    @property
    def numbers(self) -> list[dict]:
        """The emergency card fitted to the person: 113 first for suicide, Veilig Thuis first for
        danger at home or worries about a child, 112 first for immediate danger."""
        if self.level == "none":
            return []
        if "immediate" in self.topics:
            first = [ALARM]
        elif "suicide" in self.topics:
            first = [ZELFMOORDPREVENTIE]
        else:
            # violence at home, threats, a child, an older person; and a doubt without a named
            # signal (the classifier's): advice first, 112 only for immediate danger
            first = [VEILIG_THUIS]
        return [dict(n) for n in first + [n for n in EMERGENCY_NUMBERS if n not in first]]


def _hits(rules, gates: GateSet, norm: str) -> set[str]:
    """The topics of the rules that match (only those whose gate the text opens are run)."""
    return {rules[i][0] for i in gates.open(norm) if rules[i][1].search(norm)}


def _found(rule: re.Pattern, gate: tuple[str, ...], norm: str):
    return rule.search(norm) if may_match(gate, norm) else None


# A landlord, bailiff, council or energy company that "threatens" eviction, cutting off or seizure
# is a question about debts or housing, not danger: those spans are read without their threat
# words. Only the institution right before the threat (two words at most) or an institutional
# outcome right after it: "mijn man dreigt mij uit huis te zetten" stays danger.
_INSTITUTION = (r"(verhuurder|huisbaas|woningcorporatie|corporatie|woonbedrijf|woningbouw\w*|deurwaarder\w*|"
                r"incasso\w*|belastingdienst|cjib|gemeente|energiebedrijf|energieleverancier|waterbedrijf|"
                r"zorgverzekeraar|verzekeraar|bank|landlord|housing (association|corporation)|bailiff|"
                r"debt collectors?|collection agency|energy company|council|tax office)")
_THREAT_WORD = r"(bedreig\w*|dreig\w*|gedreigd|threat\w*)"
_OFFICIAL_OUTCOME = (r"(ontruim\w*|uitzetting|afsluit\w*|afgesloten|beslag\w*|loonbeslag|deurwaarder\w*|"
                     r"incasso\w*|eviction|evict\w*|disconnect\w*|cut (off|me off))")
_OFFICIAL_THREAT = re.compile(
    rf"\b{_INSTITUTION}\s+(\w+\s+){{0,2}}?{_THREAT_WORD}"
    rf"|\b{_THREAT_WORD}\s+(\w+\s+){{0,4}}?{_OFFICIAL_OUTCOME}"
    rf"|\b{_INSTITUTION}\s+(\w+\s+){{0,3}}?achter (me|mij|ons) aan"
    rf"|\b(dreigende|threatening)\s+(brief|brieven|letters?|mails?|aanmaning\w*)\s+(van|from)\s+"
    rf"((de|het|the|my|mijn|m n|mn)\s+)?{_INSTITUTION}")


# What the writer says is NOT the case ("hij is niet agressief", "never violent", "geen suïcidale
# gedachten"), and neglect of a thing ("een verwaarloosde volkstuin"): those spans are read without
# their danger words. The rest of the text is still read, and the classifier's unsafe score still
# puts a worrying text at "possible". Not "slaat me niet meer" (he did) nor "niet alleen ... maar".
_DENIED = re.compile(
    r"\b(niet|nooit|never|not|isn t|wasn t|is not|was not)\s+((?!meer\b|more\b|longer\b)\w+\s+){0,2}?"
    r"(agressief|agressieve|gewelddadig\w*|violent|aggressive|suicidaal|suicidale|suicidal)\b(?!\s+(meer|anymore|any more)\b)"
    r"|\b(geen|no|zonder|without)\s+(suicidale\s+|suicidal\s+)?(gedachten|thoughts)\s+(aan|over|of|about)\s+"
    r"(zelfmoord|zelfdoding|suicide)\b"
    r"|\b(geen|no|not)\s+(suicidale|suicidal)\s+(gedachten|thoughts|plannen|plans)\b"
    r"|\b(geen|no)\s+(zelfmoordgedachten|suicidegedachten)\b"
    r"|\b(tuin|volkstuin|moestuin|huis|woning|pand|schuur|flat|garden|allotment|yard|house)\s+(\w+\s+){0,3}?"
    r"(verwaarloosd\w*|neglected)\b"
    r"|\b(verwaarloosde|neglected)\s+(tuin|volkstuin|moestuin|huis|woning|pand|schuur|flat|garden|allotment|yard|house)\b")

_OFFICIAL_GATE = literal_gate(_OFFICIAL_THREAT.pattern)
_DENIED_GATE = ("agressie", "gewelddadig", "violent", "aggressive", "suicid", "zelfmoord", "zelfdoding",
                "verwaarloos", "neglected")


def assess(text: str) -> SafetyAssessment:
    """Recall first: explicit signals are ``danger``, implicit ones ``possible``."""
    norm, words = read(text)
    norm, official = _OFFICIAL_THREAT.subn(" ", norm) if may_match(_OFFICIAL_GATE, norm) else (norm, 0)
    denied = 0
    if any(w in norm for w in _DENIED_GATE):
        norm, denied = _DENIED.subn(" ", norm)
        official += denied
    if official:
        words = frozenset(norm.split())
    topics = _hits(_DANGER_RULES, _DANGER_GATES, norm)
    fuzzy = {t for t in words if len(t) >= 7 and _fuzzy_hit(t)}
    if fuzzy:
        topics.add("suicide" if any(w.startswith(("zelf", "suic")) for w in fuzzy) else "home")
    if topics:
        return SafetyAssessment("danger", frozenset(topics))
    topics = _hits(_POSSIBLE_RULES, _POSSIBLE_GATES, norm)
    if _concealed(norm):
        topics.add("home")
    return SafetyAssessment("possible", frozenset(topics)) if topics else SafetyAssessment(denied=bool(denied))


def is_dangerous(text: str) -> bool:
    """True when the text signals violence, threats, suicide or a child at risk."""
    return assess(text).level == "danger"


def level(text: str) -> str:
    """``"danger"`` (professional help only), ``"possible"`` (a professional clears it before any
    volunteer sees it) or ``"none"``. The app stores it on the request; visibility follows it."""
    return assess(text).level


def _deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` characters deleted (SymSpell's trick)."""
    out, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _limit(word: str) -> int:
    return 2 if len(word) >= 10 else 1


# Deletion variants of the distinctive words -> the words; a typo'd token shares one.
_FUZZY_INDEX: dict[str, list[str]] = {}
for _word in _FUZZY_WORDS:
    for _variant in _deletions(_word, _limit(_word)):
        _FUZZY_INDEX.setdefault(_variant, []).append(_word)


@lru_cache(maxsize=100_000)  # a pure function of one word; most words recur across requests
def _fuzzy_hit(token: str) -> bool:
    candidates = {w for v in _deletions(token, 2) for w in _FUZZY_INDEX.get(v, ())}
    return any(_within(token, w, _limit(w)) for w in candidates if abs(len(token) - len(w)) <= _limit(w))


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance <= limit."""
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit
