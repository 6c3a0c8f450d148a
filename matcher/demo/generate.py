"""Writes `organisation.jsonl`, the sample wellbeing services county behind `velho demo`.

    python -m matcher.demo.generate            # rewrite the bundled file
    python -m matcher.demo.generate --check    # exit 1 if the bundled file is out of date

Everything comes from hand-written pools (names, units, titles, and statement phrasings per
role in fi/sv/en) combined by one `random.Random(SEED)`, so the output is byte-for-byte
reproducible. The hidden experts that the demo requests are meant to find are written out by
hand in `HANDWRITTEN` and placed at fixed ids. No real person is described.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED = 20260
PEOPLE = 300
OUT = Path(__file__).with_name("organisation.jsonl")

# A statement pool item is one skill: a phrasing, or a tuple of alternative phrasings of it
# (different people write the same skill differently).
Skill = str | tuple[str, ...]
Pool = dict[str, list[Skill]]  # language -> skills

# --------------------------------------------------------------------------- statements by role

POOLS: dict[str, Pool] = {
    "kotihoito": {
        "fi": [
            ("Lääkkeenjako dosetteihin ja lääkehoidon toteutus asiakkaan kotona",
             "Jaan lääkkeet dosetteihin ja seuraan, miten lääkitys asiakkaalle sopii"),
            ("Haavanhoito kotona, etenkin säärihaavat ja painehaavat",
             "Hoidan hankaliakin haavoja, säärihaavat ovat erityisosaamistani"),
            ("Muistisairaan asiakkaan kohtaaminen ja rauhoittaminen",
             "Osaan rauhoittaa levottoman muistisairaan asiakkaan ilman kiirettä",
             "Muistisairaiden asiakkaiden kanssa toimiminen heidän omassa kodissaan"),
            ("Saattohoito kotona ja omaisten tukeminen",
             "Olen hoitanut useita saattohoitoasiakkaita kotona loppuun asti"),
            ("Teen RAI-arviointeja ja autan muita niiden kanssa",
             "RAI-arvioinnit ja toimintakyvyn mittaaminen kotihoidossa"),
            "Avanteiden ja katetrien hoito asiakkaan kotona",
            ("Omaishoitajien jaksamisen tukeminen ja kuunteleminen",
             "Huomaan, kun omaishoitaja alkaa väsyä, ja otan asian puheeksi"),
            ("Ikäihmisten ravitsemuksen seuranta ja säännöllinen punnitus",
             "Seuraan asiakkaiden syömistä ja keksin keinoja, joilla ruoka maistuu"),
            ("Tunnen alueen reitit ja ajan kotihoidon autoa talvikelilläkin",
             "Kotikäyntien reittisuunnittelu niin, että aikaa jää asiakkaille"),
            ("Sairaalasta kotiutuvan asiakkaan ensikäynnit, apuvälineet ja palvelut kuntoon",
             "Kotiutumisen jälkeiset ensikäynnit hoidan huolellisesti"),
            ("Neuvon asiakkaita etäkäyntien ja videopuhelujen käytössä",
             "Etähoivan tabletit ja niiden käytön opettaminen ikäihmisille"),
            "Kivunhoito ja kipupumppujen käyttö kotona",
            ("Kaatumisriskin tunnistaminen ja kodin turvallisuuskartoitus",
             "Teen kotikäynnillä turvallisuuskartoituksen: matot, valaistus ja tukikahvat"),
            ("Vaikeasti lähestyttävien asiakkaiden kohtaaminen, rauhallisuus auttaa",
             "Saan yhteyden myös niihin asiakkaisiin, jotka eivät aluksi halua apua"),
            "Verinäytteiden otto kotikäynnillä ja näytteiden toimittaminen laboratorioon",
            "Perussairauksien seuranta: verenpaine, paino ja voinnin muutokset",
            ("Hygieniahoito ja ihon kunnon tarkkailu",
             "Suihkutus- ja hygieniakäynnit niin, että asiakkaan arvokkuus säilyy"),
            "Kirjaan nopeasti ja selkeästi mobiililaitteella jo käynnin aikana",
            "Palliatiivinen hoito ja oireiden lievitys kotona",
            ("Kuntouttava työote: asiakas tekee itse sen, mihin pystyy",
             "Asiakkaan toimintakyvyn ylläpitäminen arjen askareissa"),
            "Uusien työntekijöiden ja opiskelijoiden perehdytys kotihoitoon",
            "Turvapuhelinhälytykset ja turvateknologian laitteet ovat minulle tuttuja",
            "Päihteitä käyttävien ikäihmisten kohtaaminen kotona",
            "Pidän omaiset ajan tasalla ja sovin yhteiset pelisäännöt heidän kanssaan",
            "Yksin asuvien ikäihmisten yksinäisyyden tunnistaminen ja ohjaus päivätoimintaan",
            ("Apuvälineiden tilaaminen kotiin ja niiden käytön opastus",
             "Tilaan asiakkaalle tarvittavat apuvälineet ja opastan niiden käytössä"),
            "Yöpartiossa olen tottunut tekemään päätöksiä itsenäisesti",
            "Tehostetun kotikuntoutuksen jaksot heti kotiutumisen jälkeen",
            ("Ikäihmisten masennuksen ja alakulon tunnistaminen kotikäynnillä",
             "Huomaan, jos asiakkaan mieliala laskee, ja otan asian puheeksi"),
            "Lääkityksen tarkistukset yhdessä lääkärin ja farmaseutin kanssa",
            "Etälääkärin konsultointi ja tilanteen nopea arviointi kotona",
            "Hälytyskäynnit ja kaatuneen asiakkaan voinnin arviointi",
            "Kotisairaalan suonensisäiset antibioottihoidot asiakkaan kotona",
            "Asiakasvastaavana pidän hoito- ja palvelusuunnitelmat ajan tasalla",
            "Olen tehnyt kotihoitoa kohta kaksikymmentä vuotta, joten tunnen useimmat asiakkaat ja heidän "
            "omaisensa jo nimeltä",
            "Kun asiakas ei avaa ovea tai vastaa puhelimeen, tiedän mitä tehdä ja keneen ottaa yhteyttä",
            "Minulta voi kysyä apua hankalissa lääkehoitotilanteissa, esimerkiksi kun asiakkaalla on monta "
            "lääkäriä ja päällekkäisiä lääkityksiä",
        ],
        "sv": [
            ("Hemvård för äldre med minnessjukdom, jag är lugn och tålmodig",
             "Bemöter oroliga klienter med minnessjukdom i deras eget hem"),
            "Läkemedelsdelning i dosett och uppföljning av medicineringen",
            "Sårvård i hemmet, framför allt bensår",
            "Vård i livets slutskede hemma och stöd till de anhöriga",
            "Jag gör RAI-bedömningar och hjälper kolleger med dem",
            "Kör bil i alla väder och hittar i byarna på landsbygden",
            "Stöd till närståendevårdare som börjar bli trötta",
            "Hembesök via surfplatta, jag lär klienterna att använda den",
            "Fallprevention och säkerhetskartläggning i hemmet",
            "Hygienvård så att klientens värdighet bevaras",
            "Uppföljning av blodtryck, vikt och allmäntillstånd hos äldre",
            "Nattpatrull i hemvården, van att arbeta självständigt",
            "Jag märker när en äldre klient börjar må psykiskt sämre",
            "Jag har jobbat inom hemvården i femton år och känner de flesta klienter och deras anhöriga i vårt område",
        ],
        "en": [
            "I prepare weekly medication dispensers and follow up on side effects",
            "Wound care in clients' homes, mostly leg ulcers",
            "I'm good at calming down anxious clients with memory disorders",
            "Palliative care at home and supporting the family",
            "Showing clients how to use the tablet for remote visits",
            "Fall risk checks in the home: rugs, lighting, grab bars",
            "Building trust with clients who refuse help at first",
            "Night patrol home visits, I'm used to working independently",
            "Spotting depression and loneliness in older clients",
            "Keeping care plans up to date as the named nurse",
            "Responding to safety phone alarms and clients who have fallen",
        ],
    },
    "hoitotyo": {
        "fi": [
            ("Lääkehoidon osaaminen on vahvaa, LOVe-tentit suoritettu",
             "Lääkelaskut ja laimennokset, autan mielelläni kollegoja"),
            "Aseptiikka ja käsihygienia ovat minulle sydämen asia",
            ("Pysyn rauhallisena kiireessä ja osaan priorisoida",
             "Hyvä stressinsietokyky ja kyky tehdä päätöksiä nopeasti"),
            ("Osaan selittää hoito-ohjeet niin, että potilas ne ymmärtää",
             "Selkeä ja ymmärrettävä potilasohjaus kotiutuessa"),
            "Rakenteinen kirjaaminen ja hoitotyön yhteenvetojen kirjoittaminen",
            "Ensiapu ja elvytys, käyn kertauskoulutukset säännöllisesti",
            "Kohtaan potilaat ja omaiset lämmöllä ja kiireettä",
            ("Uusien hoitajien perehdytys ja opiskelijaohjaus",
             "Olen koulutettu opiskelijaohjaaja ja nautin ohjaamisesta"),
            "Kuoleman kohtaaminen ja saattohoitopotilaan hyvä hoito",
            "Kivun arviointi ja lääkkeettömät kivunhoidon keinot",
            "Infektioiden torjunta ja eristyskäytännöt käytännössä",
            "Pysyn asiallisena hankalissakin vuorovaikutustilanteissa",
            "Verenpaineen, pulssin ja happisaturaation mittaaminen ja tulkinta",
            "Katetroinnit ja virtsanäytteet aseptisesti",
            "Näytteenotto ja laboratoriolähetteiden tekeminen",
            "Iäkkään potilaan kokonaisvaltainen hoito ja toimintakyvyn tukeminen",
            ("Omaisten ohjaus ja tukeminen muuttuvissa tilanteissa",
             "Olen omaisille helposti lähestyttävä ja kerron asiat suoraan"),
            "Hoitotyön eettiset kysymykset ja niiden pohtiminen tiimissä",
            ("Haavanhoito ja oikeiden haavasidosten valinta",
             "Haavasidokset ja niiden valinta eri haavoille"),
            "Hoitotyön suunnitelman laatiminen yhdessä potilaan kanssa",
            "Pärjään yksin yövuorossa ja luotan omaan arviooni",
            "Suuren riskin lääkkeiden kaksoistarkistus ja lääkepoikkeamien ehkäisy",
            "Olen työskennellyt sekä vuodeosastolla että kotihoidossa, joten ymmärrän, mitä kotiutuminen "
            "potilaalle käytännössä tarkoittaa",
            "Pidän siitä, että uudet kollegat uskaltavat kysyä, ja otan aina aikaa vastata heidän kysymyksiinsä",
        ],
        "sv": [
            "Läkemedelsbehandling, jag har klarat alla LOVe-tenter",
            "Aseptik och handhygien är viktiga för mig",
            "Patienthandledning på ett begripligt sätt vid utskrivning",
            "Jag håller mig lugn i stressiga situationer",
            "Handledning av studerande och nya kolleger",
            "Smärtbedömning och smärtlindring utan läkemedel",
            "Strukturerad dokumentation i patientjournalen",
            "Sårvård och val av rätt förband",
            "Provtagning och att skriva laboratorieremisser",
            "Stöd och handledning till anhöriga",
            "Helhetsvård av äldre patienter",
            "Jag har arbetat både på avdelning och i hemvården, så jag vet vad utskrivningen betyder för "
            "patienten i praktiken",
        ],
        "en": [
            "Medication safety and double-checking high-risk drugs",
            "Good at prioritising when the shift gets busy",
            "Aseptic technique and hand hygiene are second nature to me",
            "I enjoy mentoring students and newly graduated nurses",
            "Pain assessment and non-drug pain relief",
            "Writing clear nursing notes and handover reports",
            "Wound care and choosing the right dressings",
            "Taking blood samples and other lab tests",
            "Supporting family members through difficult news",
            "Holistic care of older patients",
            "I have worked as a nurse in three countries, so I adapt quickly and gladly help internationally "
            "recruited colleagues settle in",
        ],
    },
    "osasto": {
        "fi": [
            ("Suonensisäinen lääkehoito ja kanylointi",
             "Kanyloin hankaliakin suonia, minulta saa pyytää apua"),
            "Sydämen vajaatoimintapotilaan hoito ja nestelistan seuranta",
            "EKG:n ottaminen ja rytmihäiriöiden tunnistaminen monitorista",
            "Verensiirrot ja niihin liittyvät tarkistukset",
            ("Potilaan voinnin arviointi NEWS-pisteillä",
             "Tunnistan potilaan voinnin heikkenemisen ajoissa ja hälytän apua"),
            "Kotiutusten koordinointi kotihoidon ja omaisten kanssa",
            "Sekavan ja deliriumpotilaan turvallinen hoito osastolla",
            "Nenämahaletku, PEG ja ravitsemushoidon toteutus",
            "Keuhkoahtaumapotilaan happihoito ja inhalaattorien käyttö",
            "Yli viidentoista vuoden kokemus sisätautipotilaiden hoidosta",
            "Munuaisten vajaatoiminta ja nestetasapainon tarkka seuranta",
            "Antibioottihoidot ja laboratorioarvojen seuraaminen",
            "Yövuorot ja osaston pyörittäminen yöllä pienellä porukalla",
            "Kaatumisten ehkäisy osastolla ja potilaiden turvallinen liikkuminen",
            "Keuhkokuumepotilaiden hoito ja hengityksen tarkkailu",
            "Potilaan kuntoutumisen tukeminen jo osastojakson aikana",
            "Hoitoneuvottelujen valmistelu yhdessä omaisten kanssa",
            "Keskuslaskimokatetrin hoito ja näytteenotto",
            "Alkoholin vieroitusoireiden tunnistaminen ja hoito",
            "Hoidan mielelläni vaativimpia potilaita, joilla on monta sairautta yhtä aikaa ja pitkä lääkelista",
        ],
        "sv": [
            "Intravenös läkemedelsbehandling och kanylering",
            "Vård av patienter med hjärtsvikt och uppföljning av vätskebalansen",
            "EKG och att känna igen rytmrubbningar",
            "Utskrivning och samarbete med hemvården",
            "Tidig upptäckt av patienter vars tillstånd försämras",
            "Blodtransfusioner och kontrollerna kring dem",
            "Vård av patienter med lunginflammation",
            "Centralvenös kateter och provtagning",
        ],
        "en": [
            "IV medication and cannulation, happy to help with difficult veins",
            "Caring for patients with heart failure and COPD",
            "Recognising deteriorating patients early with NEWS scoring",
            "ECG recording and basic rhythm interpretation",
            "Coordinating discharges with home care and families",
            "Night shifts on a busy medical ward",
            "Caring for confused and delirious older patients",
            "Central line care and blood sampling",
            "Managing alcohol withdrawal on the ward",
            "I like caring for complex patients with several conditions and long medication lists",
        ],
    },
    "sihteeri": {
        "fi": [
            "Potilaiden ajanvaraukset ja kutsukirjeet hoituvat minulta sujuvasti",
            "Sanelujen purku ja lähetteiden käsittely",
            "Osaston tilaukset, varastot ja laskujen hyväksyntäkierrot",
            "Neuvon potilaita ja omaisia puhelimessa ystävällisesti",
            "Potilasasiakirjojen arkistointi ja tietopyyntöjen käsittely",
        ],
        "sv": [
            "Tidsbokning och kallelsebrev till patienter",
        ],
        "en": [
            "Appointment booking and patient letters",
        ],
    },
    "paivystys": {
        "fi": [
            ("Triage ja hoidon kiireellisyyden arviointi",
             "Teen triagea päivittäin ja hallitsen ABCDE-arvion"),
            ("Elvytys ja elvytyskoulutusten vetäminen",
             "Olen elvytyskouluttaja ja pidän harjoituksia myös muille yksiköille"),
            "Kipsaus ja lastoitus sujuvat rutiinilla",
            "Haavojen ompelu ja liimaus lapsilta ja aikuisilta",
            "Päihtyneen ja aggressiivisen potilaan kohtaaminen turvallisesti",
            "Rintakipupotilaan ensiarvio ja EKG:n nopea tulkinta",
            "Lasten päivystyskäynnit ja hätääntyneiden vanhempien rauhoittelu",
            "Äkillisesti menehtyneen potilaan omaisten kohtaaminen",
            "Aivoinfarktin tunnistaminen ja nopea ohjaus liuotushoitoon",
            "Valtimoverinäytteiden otto ja verikaasuarvojen tulkinta",
            "Monivammapotilaan vastaanotto traumahuoneessa tiimin jäsenenä",
            "ISBAR-raportointi ja ensihoidon raportin vastaanotto",
            "Suuronnettomuusharjoitusten suunnittelu ja toteutus",
            "Myrkytyspotilaiden hoito ja Myrkytystietokeskuksen konsultointi",
            "Kiireen keskellä säilytän otteen ja huumorintajun",
            "Potilasvirtojen ohjaus ruuhkaisena iltana",
            "Murtumaepäilyjen alkuarvio ja kivunhoito",
            "Sepsispotilaan tunnistaminen ja nopea hoidon aloitus",
            "Lasten kouristelun ja hengitysvaikeuksien ensihoito",
            "Väkivaltaa kokeneen potilaan kohtaaminen ja jälkitoimet",
            "Olen ollut päivystyksessä yli kymmenen vuotta ja pysyn rauhallisena silloinkin, kun odotusaula on täynnä",
        ],
        "sv": [
            "Triage och bedömning av vårdbehov på jouren",
            "Återupplivning, jag är HLR-instruktör",
            "Suturering och gipsning av enklare frakturer",
            "Bemötande av berusade och aggressiva patienter",
            "Bedömning av misstänkta frakturer och smärtlindring",
            "Barn med andningssvårigheter på jouren",
        ],
        "en": [
            "Emergency triage and ABCDE assessment",
            "Advanced life support, I am a certified instructor",
            "Suturing wounds and applying plaster casts",
            "Staying calm with aggressive or intoxicated patients",
            "Trauma team work and major incident drills",
            "Paediatric emergencies and reassuring worried parents",
            "Sepsis screening at triage",
            "Managing patient flow on busy nights",
        ],
    },
    "paivystyslaakari": {
        "fi": [
            "Vieriultraääni päivystyksessä, opetan sitä mielelläni muillekin",
            "Nuorten lääkäreiden ohjaus yövuoroissa",
            "Murtumien hoitolinjat ja konsultaatiot ortopedille",
            "Monisairaiden iäkkäiden potilaiden kokonaisarvio päivystyksessä",
            "Sepsiksen tunnistaminen ja antibioottihoidon nopea aloitus",
        ],
        "sv": [
            "Ultraljud vid patientens säng på jouren",
            "Handledning av unga läkare under nattjourer",
        ],
        "en": [
            "Point-of-care ultrasound in the emergency department",
            "Supervising junior doctors on night shifts",
            "Managing frail elderly patients with multiple conditions",
            "Sepsis recognition and early antibiotic treatment",
        ],
    },
    "asumis": {
        "fi": [
            ("Muistisairaiden asukkaiden hoito ja haastavan käytöksen ymmärtäminen",
             "Ymmärrän, mitä tarpeita muistisairaan käytöksen taustalla on"),
            ("Viriketoiminta: tuolijumppa, bingo ja muisteluhetket",
             "Järjestän asukkaille muisteluhetkiä vanhojen valokuvien avulla"),
            "Saattohoito ja omaisten tukeminen viimeisinä päivinä",
            "Osaan käyttää nostolaitetta ja liukulakanaa turvallisesti",
            "Suun hoito ja hammasproteesien puhdistus ikäihmisillä",
            "Nesteytyksen ja ravitsemuksen seuranta sekä kuukausittainen punnitus",
            "Kuntouttava työote arjessa, annan asukkaan tehdä itse",
            "Lääkehoidon toteutus, lääkeluvat voimassa",
            "Hyvä kuuntelija, keskustelut omaisten kanssa sujuvat",
            "Ulkoilutan asukkaita ja järjestän pieniä retkiä lähiseudulle",
            "Leikkaan asukkaiden hiuksia, olen alun perin kampaaja",
            "Painehaavojen ehkäisy ja asentohoito vuodepotilailla",
            "Hoito- ja palvelusuunnitelmien päivittäminen yhdessä asukkaan kanssa",
            "Askartelu ja kuvataide asukkaiden kanssa",
            "Ikäihmisten kaltoinkohtelun tunnistaminen ja siihen puuttuminen",
            "Yövuorossa asukkaiden rauhoittaminen ja unen tukeminen",
            "Kodinomaisen tunnelman luominen ryhmäkotiin",
            "Asukkaiden aamutoimet ilman kiirettä ja heidän omaa tahtiaan kunnioittaen",
            "Järjestän palvelutaloon vierailuja lemmikkien kanssa",
            "Uusien asukkaiden ja heidän omaistensa vastaanottaminen",
            "Asukkaiden vaatehuolto ja henkilökohtaisten tavaroiden järjestys",
            "Rollaattorien ja pyörätuolien kunnon tarkistus",
            "Asukaskokousten vetäminen ja asukkaiden toiveiden kuunteleminen",
            "Infektioiden tunnistaminen ikäihmisillä, esimerkiksi virtsatieinfektio",
            "Inkontinenssituotteiden valinta ja ihon kunnon seuranta",
            ("Ruokailutilanteiden rauhoittaminen ja syömisen avustaminen",
             "Autan asukkaita syömään niin, ettei kenenkään tarvitse kiirehtiä"),
            "Kävelyharjoitukset käytävillä osana arkea",
            "Olen pitkään työskennellyt muistisairaiden ryhmäkodissa ja osaan lukea asukkaan eleistä, milloin "
            "jokin on huonosti",
            "Tykkään järjestää asukkaille pieniä juhlia ja teemapäiviä, jotta arkeen tulisi vaihtelua",
        ],
        "sv": [
            "Vård av äldre med demens och bemötande av oro",
            "Aktiviteter för de boende: gymnastik, frågesport och minnesstunder",
            "Vård i livets slutskede och stöd till anhöriga på boendet",
            "Rehabiliterande arbetssätt i vardagen på boendet",
            "Förebyggande av trycksår och lägesbehandling",
            "Utevistelser och små utflykter med de boende",
            "Ta emot nya boende och deras anhöriga",
            "Hjälp vid måltider och en lugn matsituation",
            "Inkontinensskydd och hudvård hos äldre",
            "Boendemöten där de boende får säga sitt",
            "Jag tycker om att ordna små fester och temadagar för de boende så att vardagen får lite omväxling",
        ],
        "en": [
            "Dementia care and understanding challenging behaviour",
            "Organising activities for residents, like quizzes and chair exercise",
            "End-of-life care in assisted living",
            "Preventing pressure sores and repositioning bedridden residents",
            "Night shifts: helping residents settle and sleep",
            "Oral hygiene and denture care for older residents",
            "Helping residents at mealtimes and keeping the dining room calm",
            "Welcoming new residents and their families",
            "Continence care and skin checks",
            "Spotting infections early in older residents",
            "I worked in a dementia unit for years and can usually tell from small signs when a resident is in pain",
        ],
    },
    "neuvola": {
        "fi": [
            "Äitiysneuvolan seurantakäynnit ja synnytykseen valmentaminen",
            "Imetysohjaus, olen käynyt imetysohjaajakoulutuksen",
            "Lasten rokotukset ja kansallisen rokotusohjelman tuntemus",
            "Laajat terveystarkastukset ja koko perheen hyvinvoinnin arviointi",
            "Lapsen kasvun ja kehityksen seuranta sekä Lene-arviot",
            "Synnytyksen jälkeisen masennuksen tunnistaminen EPDS-lomakkeella",
            "Perhevalmennusryhmien vetäminen ensimmäistä lastaan odottaville",
            "Ehkäisyneuvonta ja seksuaaliterveyden puheeksi ottaminen",
            "Lähisuhdeväkivallan puheeksi ottaminen vastaanotolla",
            "Vauvaperheiden kotikäynnit ensimmäisinä viikkoina",
            "Monikulttuuristen perheiden kohtaaminen ja työskentely tulkin kanssa",
            "Vauvojen uniongelmat ja vanhempien jaksaminen",
            "Raskausajan diabeteksen seulonta ja ruokavalio-ohjaus odottaville äideille",
            "Lapsen ylipainon puheeksi ottaminen ja perheen liikuntatottumukset",
            "Puheen kehityksen viivästymän tunnistaminen ja ohjaus puheterapiaan",
            "Isien huomioiminen ja osallistaminen neuvolakäynneillä",
            "Keskosvauvojen ja heidän perheidensä tukeminen",
            "Vanhemmuuden tukeminen Vavu-haastattelun avulla",
            "Monikkoperheiden erityistarpeet ja vanhempien jaksaminen",
            "Osaan ottaa vaikeatkin asiat puheeksi niin, ettei perhe koe tulevansa syytetyksi",
        ],
        "sv": [
            "Mödrarådgivning och förberedelse inför förlossningen",
            "Amningshandledning, jag har gått utbildningen",
            "Vaccinationer enligt det nationella programmet",
            "Hembesök hos familjer med nyfödda",
            "Omfattande hälsoundersökningar för hela familjen",
            "Uppföljning av prematurer och råd till deras föräldrar",
            "Tidig upptäckt av förlossningsdepression",
            "Uppföljning av barnets tillväxt och utveckling",
        ],
        "en": [
            "Breastfeeding support and counselling for new mothers",
            "Childhood vaccinations and the national programme",
            "Working with immigrant families through interpreters",
            "Spotting postnatal depression early",
            "Child growth and development checks",
            "Supporting parents with sleepless babies",
        ],
    },
    "mtp": {
        "fi": [
            ("Motivoiva haastattelu päihdeasiakkaiden kanssa",
             "Käytän motivoivaa haastattelua ja saan muutospuheen esiin"),
            "Korvaushoidon toteutus ja lääkkeiden annostelu",
            "Tukikeskustelut ahdistuneiden ja masentuneiden asiakkaiden kanssa",
            "Itsetuhoisuuden arviointi ja turvasuunnitelman tekeminen",
            "Ratkaisukeskeinen lyhytterapia, koulutus suoritettu",
            "Masennuskoulu- ja ahdistuksenhallintaryhmien ohjaaminen",
            "Nuorten päihdetyö ja huumeita käyttävien kohtaaminen",
            "Kriisityö ja traumatietoinen työote",
            "Mielenterveyskuntoutujien asumisen tuki ja arjen hallinta",
            "Psykoedukaatio ja psyykenlääkityksen ohjaus",
            "Peliriippuvuuden ja rahapelaamisen puheeksi ottaminen",
            "AUDIT-kysely ja alkoholin riskikäytön mini-interventio",
            "Avoin dialogi ja verkostokokousten vetäminen",
            "Kotikäynnit psykoosia sairastavien luona ja lääkityksen seuranta",
            "Päihdeasiakkaan katkaisuhoidon tarpeen arviointi",
            "Nuorten mielenterveysongelmien varhainen tunnistaminen",
            "Vertaistukiryhmät yhdessä kokemusasiantuntijoiden kanssa",
            "Asiakkaan kohtaaminen rauhallisesti, vaikka tilanne olisi uhkaava",
            "Kriisipuhelut ja puhelinneuvonta iltaisin",
            "Pystyn kohtaamaan asiakkaan rauhallisesti silloinkin, kun hän on hyvin ahdistunut tai vihainen, "
            "enkä säikähdä helposti",
        ],
        "sv": [
            "Motiverande samtal med klienter som använder droger",
            "Stödsamtal för personer med ångest och depression",
            "Bedömning av självmordsrisk och säkerhetsplan",
            "Öppen dialog och nätverksmöten",
            "Tidigt stöd till unga med psykisk ohälsa",
            "Bedömning av behovet av avgiftning",
            "Kamratstödsgrupper tillsammans med erfarenhetsexperter",
        ],
        "en": [
            "Motivational interviewing with people who use drugs",
            "Opioid substitution treatment and dosing",
            "Trauma-informed care and crisis work",
            "Running group sessions on coping with depression",
            "Early support for young people with mental health problems",
            "Crisis phone counselling in the evenings",
            "Suicide risk assessment and safety planning",
            "Supported housing for people recovering from mental illness",
            "Home visits to clients with psychosis, including medication follow-up",
            "Peer support groups run together with experts by experience",
        ],
    },
    "psykologi": {
        "fi": [
            "Teen neuropsykologisia tutkimuksia aikuisille",
            "Kognitiivinen psykoterapia, Kelan hyväksymä psykoterapeutti",
            "Traumaterapia, käytän myös EMDR-menetelmää",
            "Tiimien konsultointi vaikeissa asiakastilanteissa",
        ],
        "sv": [
            "Kognitiv beteendeterapi för vuxna med ångest",
        ],
        "en": [
            "Cognitive behavioural therapy for anxiety disorders",
            "Neuropsychological assessments for adults",
        ],
    },
    "lastensuojelu": {
        "fi": [
            ("Lastensuojelutarpeen selvitysten tekeminen määräajassa",
             "Teen lastensuojelutarpeen selvityksiä ja kirjoitan ne selkeästi"),
            "Kiireelliset sijoitukset ja virka-ajan ulkopuoliset päivystystilanteet",
            "Lapsen kuuleminen ja lapsen oman äänen esiin nostaminen",
            ("Perhetyö kotikäynneillä ja vanhemmuuden tukeminen",
             "Tuen vanhempia arjen rutiineissa ja rajojen asettamisessa"),
            "Huostaanoton valmistelu ja asioiden käsittely hallinto-oikeudessa",
            "Yhteistyö koulujen, poliisin ja perheneuvolan kanssa",
            "Sijaisperheiden tukeminen ja sijaishuollon valvonta",
            "Jälkihuolto ja nuorten itsenäistymisen tukeminen",
            "Lapsiin kohdistuvan väkivallan selvittely yhdessä poliisin kanssa",
            "Verkostokokousten ja perheneuvonpidon vetäminen",
            "Teini-ikäisten kanssa löydän yleensä yhteisen sävelen",
            "Lastensuojeluilmoitusten käsittely ja kiireellisyyden arviointi",
            "Vanhempien päihde- ja mielenterveysongelmat lapsiperheissä",
            "Eroperheiden huoltoriidat ja olosuhdeselvitykset",
            "Toiminnalliset menetelmät lapsen kanssa, esimerkiksi tunnekortit",
            "Lapsen ja vanhemman vuorovaikutuksen havainnointi",
            "Vanhemmuuden arviointi ja arviointijaksojen suunnittelu",
            "Yhteistyö ammatillisten perhekotien kanssa",
            "Avohuollon sijoitukset ja tukitoimien suunnittelu",
            "Kirjaan niin, että lapsi voi aikuisena lukea tekstin ja ymmärtää sen",
            "Lapsen ja vanhempien tapaamisten valvonta",
            "Kirjoitan selkeitä, lapsen näkökulman huomioivia päätöksiä ja autan mielelläni nuorempia "
            "kollegoja niiden kanssa",
        ],
    },
    "aikuissos": {
        "fi": [
            "Täydentävä ja ehkäisevä toimeentulotuki, harkinta vaikeissa tilanteissa",
            "Asunnottomuuden ehkäisy ja neuvottelut vuokranantajien kanssa",
            "Talousneuvonta ja asiakkaiden ohjaus velkaneuvontaan",
            "Maahan muuttaneiden asiakkaiden palveluohjaus",
            "Palvelutarpeen arvioinnit sosiaalihuoltolain mukaan",
            "Monialainen yhteispalvelu työllistymisen tueksi",
            "Kuntouttavan työtoiminnan sopimukset ja seuranta",
            "Edunvalvontailmoitukset ja yhteistyö yleisen edunvalvonnan kanssa",
            "Lähisuhdeväkivallan uhrien ohjaus turvakotiin",
            "Kelan etuudet ovat tuttuja, autan hakemusten teossa",
            "Vankilasta vapautuvien asiakkaiden tukeminen takaisin arkeen",
            "Asiakasmaksujen alentaminen ja maksupäätökset",
            "Nuorten aikuisten ohjaus, kun elämä on alkanut kriisiytyä",
            "Asiakkaiden ohjaus päihdepalveluihin ja yhteistyö A-klinikan kanssa",
            "Palveluohjaus ikääntyville, joilla ei ole omaisia",
            "Ohjaamotoiminta ja nuorten aikuisten tukeminen",
            "Sosiaalinen luototus ja pienlainat",
            "Sosiaalityön asiakaskirjaukset selkeästi ja ajallaan",
            "Minulla on hyvät verkostot järjestöihin, joten löydän asiakkaalle usein apua myös virka-ajan ulkopuolella",
        ],
        "sv": [
            "Utkomststöd och ekonomisk rådgivning",
            "Servicehandledning för vuxna klienter",
            "Stöd för bostadslösa och förebyggande av vräkning",
            "Bedömning av servicebehov enligt socialvårdslagen",
            "Samarbete med intressebevakningen och FPA",
            "Social kreditgivning och små lån",
        ],
        "en": [
            "Social guidance for immigrants and refugees",
            "Housing support and preventing homelessness",
            "Helping clients with budgeting and debt counselling referrals",
            "Working with clients who have no family or network",
        ],
    },
    "fysio": {
        "fi": [
            "Lonkka- ja polviproteesileikkauksen jälkeinen kuntoutus",
            "Tasapainoharjoittelu ja kaatumisten ehkäisy ikäihmisillä",
            "Aivoverenkiertohäiriöpotilaiden kuntoutus akuuttivaiheesta alkaen",
            "Selkäkipuisten asiakkaiden terapeuttinen harjoittelu",
            "Apuvälinearviot ja apuvälineiden sovitus kotiin",
            "Lymfaterapia ja kompressiohoito turvotuksiin",
            "Urheiluvammojen kuntoutus ja teippaukset",
            "Kuntosaliryhmien ja vesijumpan ohjaaminen",
            "Hengitysfysioterapia ja liman poistaminen keuhkopotilailla",
            "Kotikuntoutus ja kodin muutostöiden arviointi",
            "Pyörätuolien säätö ja istuma-asennon arviointi",
            "Lantionpohjan fysioterapia naisille ja miehille",
            "Neurologisten asiakkaiden kuntoutus, esimerkiksi MS-tauti ja Parkinson",
            "Työfysioterapia ja työpisteiden ergonomia-arviot",
            "Amputoitujen kävelykuntoutus ja harjoittelu proteesin kanssa",
            "Etäkuntoutus videoyhteydellä kotona asuville",
            "Kroonisen kivun fysioterapia ja kivun ymmärtämisen ohjaus",
            "Lasten motorisen kehityksen arviointi",
            "Minulta voi kysyä neuvoa, kun asiakkaan liikkuminen on heikentynyt äkillisesti ja pitää miettiä, "
            "pärjääkö hän kotona",
        ],
        "sv": [
            "Rehabilitering efter höft- och knäprotes",
            "Balansträning och fallprevention för äldre",
            "Hjälpmedelsbedömningar och anpassning av hemmet",
            "Rehabilitering av patienter efter stroke",
            "Fysioterapi för långvarig smärta",
            "Distansrehabilitering via video för hemmaboende",
        ],
        "en": [
            "Neurological rehabilitation after stroke",
            "Therapeutic exercise for chronic back pain",
            "Assistive device assessments for the home",
            "Running aquatic exercise groups",
            "Gait training for amputees",
            "Remote rehabilitation by video",
        ],
    },
    "toimintaterapia": {
        "fi": [
            "Arjen taitojen harjoittelu ja käden kuntoutus",
            "Lasten sensorisen integraation terapia",
            "Kognitiivisen toimintakyvyn arviointi muistisairailla",
            "Apuvälineet päivittäisiin toimiin, kuten syömiseen ja pukeutumiseen",
            "Kodin muutostyösuunnitelmat ja esteettömyys",
        ],
        "sv": [
            "Träning av vardagliga färdigheter och handrehabilitering",
        ],
        "en": [
            "Hand therapy and splinting",
            "Sensory integration therapy for children",
        ],
    },
    "suu": {
        "fi": [
            "Hammaskiven poisto ja parodontiitin hoito",
            "Fluorauslakkaukset ja pinnoitteet kouluikäisille",
            "Suun terveyden oppitunnit kouluissa ja päiväkodeissa",
            "Ikäihmisten suun terveys ja proteesien hoito-ohjeet",
            "Röntgenkuvaus ja kuvien arkistointi",
            "Instrumenttien huolto ja välinehuolto hammashoitolassa",
            "Avustaminen juurihoidoissa ja kirurgisissa toimenpiteissä",
            "Ajanvaraus ja potilasohjaus puhelimessa",
            "Pelkäävien lasten rauhoittaminen hoitotuolissa",
            "Tupakoinnin lopettamisen puheeksi ottaminen vastaanotolla",
            "Suun omahoidon ohjaus, erityisesti hammasvälien puhdistus",
            "Erityisryhmien, kuten kehitysvammaisten, suun hoito",
            "Hoitolan tarvikkeiden tilaukset ja varastonhallinta",
        ],
        "sv": [
            "Tandstensborttagning och behandling av tandköttsinflammation",
            "Munhälsa hos äldre och protesvård",
            "Lugnar rädda barn i tandläkarstolen",
        ],
        "en": [
            "Scaling and periodontal treatment",
            "Oral health lessons in schools",
            "Helping nervous children relax in the chair",
        ],
    },
    "hammaslaakari": {
        "fi": [
            "Juurihoidot myös hankalissa tapauksissa",
            "Lasten hammashoito ja hammashoitopelkoisen lapsen rauhoittaminen",
            "Hammaspelkoisten aikuisten hoito, selitän jokaisen vaiheen etukäteen",
            "Viisaudenhampaiden poistot ja pieni suukirurgia",
            "Oikomishoidon tarpeen arviointi ja seuranta",
            "Proteettinen hoito, kuten kruunut ja sillat",
        ],
        "sv": [
            "Rotbehandlingar även i svåra fall",
            "Tandvård för vuxna som är rädda för tandläkaren",
        ],
        "en": [
            "Root canal treatment, including difficult cases",
            "Paediatric dentistry and anxious children",
            "Wisdom tooth extractions and minor oral surgery",
        ],
    },
    "palkka": {
        "fi": [
            "Kuukausipalkkaisten palkanlaskenta ja palkkamuutokset",
            "Lomarahat, lomakorvaukset ja vuosilomalain tulkinta",
            "Sairauspoissaolojen palkkavaikutukset ja Kelan päivärahojen hakeminen",
            "Sijaisten ja tuntipalkkaisten palkkojen laskenta",
            "Verokortit ja tulorekisteri-ilmoitukset ajallaan",
            "Matkalaskujen ja kilometrikorvausten tarkistus",
            "SOTE-sopimuksen palkkausmääräykset ja lisien tulkinta",
            "Neuvon työntekijöitä palkkalaskelman tulkinnassa kärsivällisesti",
            "Ulosottopidätykset ja palkan maksukiellot",
            "Palkanmaksun aikataulut ja palkka-ajojen valvonta",
            "Luottamushenkilöiden kokouspalkkiot ja ansionmenetysten korvaukset",
            "Tunnen palkkajärjestelmän ja työehtosopimukset niin hyvin, että löydän yleensä syyn, jos palkka "
            "on mennyt väärin",
        ],
        "sv": [
            "Löneräkning, semesterpenning och semesterersättningar",
            "Reseräkningar och ersättningar för kilometer",
        ],
        "en": [
            "Payroll for hourly-paid staff",
            "Travel expense claims and mileage allowances",
        ],
    },
    "kirjanpito": {
        "fi": [
            "Ostoreskontra ja laskujen hyväksyntäkierrot",
            "Kuukausikirjanpidon täsmäytykset ja jaksotukset",
            "Budjetin seuranta ja kuukausiraportit esihenkilöille",
            "Myyntilaskutus ja asiakasmaksujen perintä",
            "Arvonlisäveroilmoitukset ja niiden tarkistus",
            "Tilinpäätöksen valmistelu ja tilintarkastajan kysymykset",
            "Hankintojen kustannusseuranta ja sopimusrekisteri",
            "Käyttöomaisuuskirjanpito ja poistojen laskenta",
            "Ostolaskujen kohdistaminen oikeille kustannuspaikoille",
            "Maksuliikenne ja pankkitilien täsmäytys",
        ],
        "sv": [
            "Reskontra och hantering av fakturor",
            "Månadsbokslut och avstämningar av konton",
        ],
        "en": [
            "Month-end reconciliation and accruals",
            "Budget follow-up reports for managers",
        ],
    },
    "ict": {
        "fi": [
            "Työasemien asennus, päivitykset ja käyttöönotto",
            "Tulostinongelmat ja osastojen tarrakirjoittimet",
            "Salasanojen nollaus ja käyttäjätunnusten hallinta",
            "Potilastietojärjestelmän pääkäyttäjä, tunnen käyttöoikeudet",
            "Teams- ja Outlook-ongelmien ratkaiseminen",
            "Kotihoidon mobiililaitteiden ja puhelinten hallinta",
            "Tietoturvakoulutukset ja tietojenkalastelun tunnistaminen",
            "Verkko- ja WLAN-ongelmien vianetsintä sairaalassa",
            "Etätyöyhteydet ja VPN-ongelmien selvittely",
            "Kuvaneuvottelulaitteet ja etävastaanottojen tekniikka",
            "Lähituki osastoilla, ehdin paikalle nopeasti",
            "Teen SQL-kyselyitä raportoinnin tietokantoihin",
            "Kärsivällinen neuvoja, selitän asiat ilman ammattisanastoa",
            "Sovellusten paketointi ja jakelu työasemille",
            "Käyttäjien ohjeistaminen puhelimessa rauhallisesti",
            "Tietoturvapoikkeamien ensiselvitys ja ilmoitukset",
            "Mobiilivarmenteiden ja tunnistuskorttien ongelmat",
            "Selitän tietoteknisiä asioita kärsivällisesti myös niille, jotka eivät ole koskaan pitäneet tietokoneista",
        ],
        "sv": [
            "IT-stöd för arbetsstationer och skrivare",
            "Användarkonton och byte av lösenord",
            "Tålmodig IT-support på svenska",
        ],
        "en": [
            "Windows endpoint management with Intune",
            "Network troubleshooting and Wi-Fi coverage issues",
            "Admin for the patient information system",
            "Information security awareness training",
            "Python scripting for small integrations",
            "Setting up video conferencing rooms",
            "I explain technical things patiently, even to people who have never liked computers",
        ],
    },
    "laitoshuolto": {
        "fi": [
            "Eristyshuoneiden siivous ja tartuntojen ehkäisy",
            "Leikkaussalien siivous leikkausten välillä",
            "Koneellinen lattianhoito ja lattioiden vahaus",
            "Puhdistusaineiden oikea annostelu ja käyttöturvallisuus",
            "Jätteiden lajittelu ja vaarallisen jätteen käsittely",
            "Potilashuoneiden loppusiivous ja vuodehuolto",
            "Ruokahuolto osastolla, tarjoilu ja erityisruokavaliot",
            "Mikrokuituliinojen ja värikoodien oikea käyttö",
            "Perehdytän uusia laitoshuoltajia ja kesätyöntekijöitä",
            "Tiedän mitkä tilat siivotaan ensin, työskentelen nopeasti ja tarkasti",
            "Tekstiilihuolto ja liinavaatevarastojen täyttö",
            "Tehostettu desinfiointi norovirusepidemian aikana",
            "Ikkunoiden ja korkeiden pintojen pesu turvallisesti",
            "Vuodepaikkojen nopea valmistelu uusille potilaille",
            "Siivouskoneiden huolto ja pienet korjaukset",
            "Sairaalan käytävien ja aulojen ylläpitosiivous",
            "Huomioin potilaan yksityisyyden siivotessani hänen huonettaan",
            "Siivoustyön mitoitus ja työn suunnittelu tiimissä",
            "Kemikaaliturvallisuus ja käyttöturvallisuustiedotteiden tuntemus",
            "Vastaanottotilojen ja hammashoitolan perusteellinen siivous",
            "Olen siivonnut sairaalassa parikymmentä vuotta ja tiedän, miten osaston arki sujuu hoitajia häiritsemättä",
        ],
        "sv": [
            "Städning av isoleringsrum och smittförebyggande arbete",
            "Maskinell golvvård och polering",
            "Sortering av avfall och farligt avfall",
            "Snabb förberedelse av vårdplatser för nya patienter",
            "Underhåll och små reparationer av städmaskiner",
        ],
        "en": [
            "Cleaning isolation rooms to prevent infections",
            "Floor care machines and polishing",
            "Correct dosing of cleaning chemicals",
            "Terminal cleaning of patient rooms",
            "Preparing beds quickly for new admissions",
            "Respecting patients' privacy while cleaning their rooms",
        ],
    },
    "valinehuolto": {
        "fi": [
            "Instrumenttien pesu, pakkaus ja sterilointi",
            "Autoklaavin käyttö ja prosessin dokumentointi",
            "Kokoan leikkausinstrumenttien setit tarkasti",
        ],
        "sv": [
            "Sterilisering av instrument och autoklavering",
        ],
        "en": [
            "Sterilisation of surgical instruments",
        ],
    },
    "hr": {
        "fi": [
            "Rekrytointiprosessit ja haastattelujen suunnittelu",
            "Työsopimukset ja palvelussuhdeasioiden neuvonta",
            "Työhyvinvointikyselyt ja tulosten purku työyhteisöille",
            "Varhaisen tuen malli ja työkykyjohtaminen",
            "Ulkomailta rekrytoitujen hoitajien vastaanotto ja perehdytys",
            "Yhteistoimintaneuvottelut ja henkilöstön edustajien kanssa toimiminen",
            "HR-järjestelmän pääkäyttäjä ja henkilöstöraportointi",
            "Työyhteisön ristiriitojen sovittelu ja jatkoseuranta",
            "Oppisopimukset ja harjoittelijoiden vastaanotto",
            "Rekrytointimarkkinointi ja työnantajakuvan kehittäminen",
            "Osaamiskartoitukset ja yksiköiden koulutussuunnitelmat",
            "Tehtävänkuvaukset ja tehtävien vaativuuden arviointi",
            "Henkilöstökoulutusten järjestäminen koko hyvinvointialueelle",
            "Työkokeilut ja osatyökykyisten työllistäminen",
            "Olen ollut mukana kymmenissä rekrytoinneissa ja autan esihenkilöä hakuilmoituksen "
            "kirjoittamisesta haastatteluihin asti",
        ],
        "sv": [
            "Rekrytering och att hålla anställningsintervjuer",
            "Arbetsavtal och frågor om tjänsteförhållanden",
        ],
        "en": [
            "Onboarding internationally recruited nurses",
            "Recruitment and structured interviews",
            "Employee wellbeing surveys and follow-up workshops",
        ],
    },
    "viestinta": {
        "fi": [
            "Tiedotteiden kirjoittaminen ja mediasuhteet",
            "Verkkosivujen päivitys ja saavutettavuus",
            "Selkokieli: muokkaan asiakaskirjeet ymmärrettäviksi",
            "Sosiaalisen median kanavat ja kampanjat",
            "Kriisiviestintä ja tiedottaminen häiriötilanteissa",
            "Valokuvaus ja lyhyiden videoiden editointi",
            "Graafinen suunnittelu InDesignilla ja Illustratorilla",
            "Intranetin sisällöt ja sisäinen viestintä",
            "Esitysten visuaalinen viimeistely ja diapohjat",
            "Käännän tekstejä suomesta ruotsiksi",
        ],
        "sv": [
            "Översätter pressmeddelanden och webbtexter till svenska",
            "Klarspråk på svenska i kundbrev",
            "Intern kommunikation på båda inhemska språken",
        ],
        "en": [
            "Press releases and media relations",
            "Planning social media campaigns",
            "Video editing and photography",
        ],
    },
    "esihenkilo": {
        "fi": [
            "Työvuorosuunnittelu ja henkilöstömitoituksen seuranta",
            "Kehityskeskustelut ja osaamisen johtaminen",
            "Rekrytoinnit ja sijaisten hankinta lyhyellä varoitusajalla",
            "Muutosjohtaminen hyvinvointialueen käynnistymisen jälkeen",
            "Yksikön budjetin seuranta ja talousvastuu",
            "Varhaisen tuen keskustelut ja työkyvyn tukeminen",
            "Työyhteisön ristiriitojen käsittely rakentavasti",
            "Omavalvontasuunnitelman laatiminen ja laadunhallinta",
            "Asiakaspalautteiden ja muistutusten käsittely",
            "Lean-menetelmät ja prosessien sujuvoittaminen",
            "Yhteistyö muiden yksiköiden esihenkilöiden kanssa",
            "Työhyvinvointikyselyn tulosten käsittely tiimin kanssa",
            "Perehdytysohjelman rakentaminen koko yksikölle",
        ],
        "sv": [
            "Arbetsplanering och bemanning på enheten",
            "Utvecklingssamtal och ledning av kompetens",
            "Ledarskap mitt i stora förändringar",
            "Hantering av konflikter i arbetsgemenskapen",
            "Introduktionsprogram för nya medarbetare",
            "Samarbete med cheferna för andra enheter",
        ],
        "en": [
            "Staff scheduling and workforce planning",
            "Performance reviews and competence management",
            "Leading change after the wellbeing county reform",
            "Building an onboarding programme for the unit",
        ],
    },
    "yleinen": {
        "fi": [
            "Työsuojeluvaltuutettu, tunnen työturvallisuusasiat hyvin",
            "SPR:n ensiapukouluttaja, pidän EA1-kursseja",
            "Office-ohjelmat ja perus-Excel ovat tuttuja",
            "Kirjoitan sujuvasti, autan mielelläni tekstien kanssa",
            "Luottamusmies, kysy rohkeasti työehtoasioista",
            "Tyky-päivien ja työpaikan juhlien järjestäminen",
            "Olen mukana potilasturvallisuustyöryhmässä ja käsittelen HaiPro-ilmoituksia",
            "Osaan selittää monimutkaiset asiat selkokielellä",
            "Kehittämisprojektit, YAMK-opinnot juuri valmistuneet",
            "Ohjeiden ja perehdytyskansioiden päivittäminen",
            "Rauhallinen ja luotettava työkaveri, autan missä tarvitaan",
            "Palautteen antaminen ja vastaanottaminen rakentavasti",
            "Kestävä kehitys ja kierrätys työpaikalla, toimin vihreänä tukihenkilönä",
            "Ruotsin kieli sujuu, voin auttaa ruotsinkielisten asiakkaiden kanssa",
            "Englanti sujuu hyvin, autan englanninkielisten potilaiden kanssa",
            "Olen mukana yksikön kehittämistiimissä ja tuon uusia ideoita",
            "Toimin uusien työntekijöiden kummina",
            "Huumorilla selviää monesta, piristän mielelläni työkavereita",
            "Kokousten fasilitointi ja muistioiden kirjoittaminen",
            "Hyvä muisti ja järjestelmällisyys, pidän langat käsissäni",
            "Toimin yhteyshenkilönä ammattikorkeakouluun harjoitteluasioissa",
            "Työnohjaajan koulutus, ohjaan pieniä ryhmiä",
            "Uhkaavien tilanteiden rauhoittaminen ja väkivallan ennaltaehkäisy",
            "Olen kielitaitoinen: englanti, ruotsi ja saksa sujuvat",
            "Erityisruokavaliot ja ravitsemussuositukset kiinnostavat minua",
            "Innostun digitaalisista työkaluista ja kokeilen niitä ensimmäisenä",
            "Huomaan, jos työkaveri ei jaksa, ja uskallan ottaa asian ystävällisesti puheeksi",
        ],
        "sv": [
            "Arbetarskyddsombud med god koll på arbetssäkerhet",
            "Instruktör i första hjälpen vid Röda korset",
            "Handledning av studerande och praktikanter",
            "Tvåspråkig, jag hjälper gärna med översättningar mellan finska och svenska",
            "Jag skriver gärna och hjälper till med texter",
            "Ordnar gärna fester och rekreationsdagar på jobbet",
            "Fadder för nyanställda på enheten",
            "Håller i möten och skriver protokoll",
            "Jag är bra på att lugna ner konfliktsituationer",
            "Intresserad av nya digitala verktyg och testar dem gärna",
        ],
        "en": [
            "Occupational safety representative for our unit",
            "First aid trainer with the Red Cross",
            "I enjoy mentoring newcomers and students",
            "Quality improvement projects using Lean methods",
            "Comfortable with basic Office tools and Teams",
            "Finnish is my second language, I can help newcomers learn workplace Finnish",
            "Buddy for new employees on our unit",
            "Good at calming tense situations",
            "I like to be the first to try out new digital tools",
            "Facilitating meetings and writing up the minutes",
        ],
    },
    "harrastus": {
        "fi": [
            "Valokuvaus on rakas harrastus, kuvaan mielelläni työpaikan tapahtumat",
            "Vedän työpaikan lounaslenkkejä ja porrashaasteita",
            "Soitan kitaraa ja voin säestää pikkujouluissa",
            "Leivon kakkuja ja täytekakkuja tilaisuuksiin",
            "Olen juossut useita maratoneja ja neuvon aloittelijoita",
            "Puutyöt ja pienet korjaukset sujuvat, minulla on oma verstas",
            "Sienestys ja luonnossa liikkuminen, voin vetää retken",
            "Neulon ja virkkaan, opetan mielelläni muillekin",
            "Lautapelit ja pelillistäminen, olen kehittänyt pari omaa peliä",
            "Olen salibandyn juniorivalmentaja vapaa-ajallani",
            "Kotisivujen tekeminen WordPressillä harrastuksena",
            "Kalastus ja erätaidot, kokkaan mielelläni nuotiolla",
            "Ompelen ja korjaan vaatteita, tuunaan kirpputorilöytöjä",
            "Tanssin lavatansseja ja voin opettaa perusaskeleet",
            "Teatteriharrastus, voin vetää pieniä draamaharjoituksia",
            "Pyöräilen töihin ympäri vuoden ja huollan pyöriä",
            "Kokkaan mielelläni, erityisesti kasvisruokaa",
            "Kirjoitan runoja ja novelleja omaksi ilokseni",
            "Hoidan mehiläisiä ja kerron niistä mielelläni",
            "Pelaan shakkia ja voin opettaa alkeet",
            "Piirrän ja maalaan akvarelleja vapaa-ajallani",
            "Kuntosali ja kahvakuula, neuvon mielelläni tekniikassa",
            "Toimin vapaaehtoisena Vapepan etsintätehtävissä",
            "Koiraharrastus, agility ja tottelevaisuuskoulutus",
            "Kasvimaa ja puutarhanhoito, jaan taimia keväisin",
            "Pilkkiminen ja talviuinti ovat talven parhaat asiat",
            "Olen harrastanut valokuvausta parikymmentä vuotta ja otan mielelläni henkilökuvia intraan",
        ],
        "sv": [
            "Jag seglar på somrarna och kan mina knopar",
            "Fotograferar gärna på fritiden",
            "Bakar gärna till kaffestunder och fester",
            "Tränar juniorer i fotboll på kvällarna",
            "Spelar fiol i en folkmusikgrupp",
            "Paddlar kajak i skärgården",
            "Odlar grönsaker i min trädgård",
            "Jag springer gärna halvmaraton",
            "Stickar sockor till hela släkten",
        ],
        "en": [
            "Amateur photographer, happy to take photos at events",
            "I run a small book club and love recommending books",
            "Baking and cake decorating for office celebrations",
            "Trail running and orienteering at weekends",
            "Keen gardener, I can help with the ward's balcony plants",
            "I cycle to work all year and fix bikes",
            "Chess player, happy to teach beginners",
            "Hiking in Lapland every autumn",
            "I paint watercolours in my free time",
            "Volunteer with a dog rescue charity",
        ],
    },
}


# --------------------------------------------------------------------------------------- people

FI_FEMALE = (
    "Aino Anna Anne Anu Eeva Elina Emilia Hanna Heidi Helena Henna Iida Jaana Johanna Kaisa Katja Kirsi Laura "
    "Leena Liisa Maarit Marja Merja Minna Niina Noora Outi Päivi Pirjo Riikka Sanna Sari Satu Suvi Tiina Tuija "
    "Ulla Veera Kati Marika Hilkka Eija Seija Sirpa Mervi Jenni Essi Milla Pauliina Tanja Anniina Jonna Krista"
).split()
FI_MALE = (
    "Antti Ari Eero Esa Heikki Ilkka Jani Jari Juha Jukka Jussi Kari Lauri Markku Matti Mikko Olli Pasi Pekka "
    "Petri Sami Teemu Timo Toni Tuomas Ville Janne Aleksi Joonas Risto"
).split()
FI_SURNAMES = (
    "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen Järvinen Lehtonen Lehtinen "
    "Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen "
    "Karjalainen Jokinen Mattila Savolainen Lahtinen Ahonen Kettunen Hiltunen Leppänen Manninen Väisänen "
    "Miettinen Pesonen Hakala Kärkkäinen Ojala Peltonen Räsänen Toivonen Huttunen Partanen Pitkänen Kokkonen "
    "Anttila Kallio Honkanen Kauppinen Seppälä Moilanen Nurmi Mustonen Aaltonen Vainio Kemppainen Sirviö "
    "Tolonen Pakarinen Ikonen Rautio Hyvönen Lappalainen Koivisto"
).split()
SV_FEMALE = (
    "Annika Birgitta Camilla Cecilia Emma Fanny Frida Ida Jenny Karin Linnéa Maria Malin Sofia Susanne Ulrika "
    "Vivan Åsa Ebba Matilda Anna-Karin Louise"
).split()
SV_MALE = (
    "Anders Björn Christer Daniel Erik Fredrik Henrik Johan Kim Mikael Niklas Patrik Rasmus Stefan Tom Joakim"
).split()
SV_SURNAMES = (
    "Andersson Backman Blomqvist Eriksson Forsman Grönroos Holmström Hägglund Lindberg Lindqvist Lundström "
    "Nyberg Nyström Sjöberg Söderlund Westerlund Wikström Åkerlund Ekholm Strandberg Granholm Björkqvist "
    "Nordström Sundqvist Öhman Lönnqvist Mattsson Sandell Wiklund Björklund Hellström Enlund"
).split()


@dataclass(frozen=True)
class Origin:
    """People who moved to Finland: names, the languages they list, the language they mostly write."""

    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]  # a "female|male" entry holds gendered forms
    languages: tuple[str, ...]
    writes: str  # "en" or "fi"
    mother_tongue: tuple[tuple[str, str], ...]  # (language, text): their own words about their languages


ORIGINS: dict[str, Origin] = {
    "tl": Origin(
        ("Maria", "Jocelyn", "Rowena", "Maricel", "Angelica"), ("Jose", "Ramon", "Mark"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Mendoza", "Villanueva"), ("tl", "en", "fi"), "en",
        (("en", "Fluent in Tagalog, happy to support Filipino colleagues settling in Finland"),
         ("en", "Tagalog is my first language, I help new Filipino nurses with paperwork"),
         ("fi", "Puhun tagalogia ja englantia, suomea opiskelen joka päivä"))),
    "ml": Origin(
        ("Priya", "Deepa", "Anju", "Reshma", "Jincy"), ("Arun", "Jibin"),
        ("Nair", "Thomas", "Varghese", "Joseph", "Kurian"), ("ml", "en", "fi"), "en",
        (("en", "I speak Malayalam, Hindi and English fluently"),
         ("en", "Malayalam is my mother tongue and I am learning Finnish at B1 level"))),
    "ne": Origin(
        ("Sita", "Anjali", "Sunita"), ("Bikash", "Ramesh"), ("Shrestha", "Gurung", "Thapa", "Tamang"),
        ("ne", "en", "fi"), "en",
        (("en", "I speak Nepali and Hindi and can help Nepali-speaking patients"),
         ("en", "Nepali is my first language, happy to translate short texts"))),
    "en": Origin(
        ("Sarah", "Rachel", "Hannah"), ("James", "Oliver", "Connor"), ("Clarke", "Walsh", "Murphy", "Hughes"),
        ("en", "fi"), "en",
        (("en", "English is my mother tongue, I can proofread English texts"),
         ("en", "Native English speaker, happy to check translations and patient leaflets"))),
    "es": Origin(
        ("Lucía", "Carmen"), ("Javier", "Diego"), ("Fernández", "López", "Martínez", "Romero"),
        ("es", "en", "fi"), "en",
        (("en", "Spanish is my first language and I also speak Portuguese"),
         ("en", "I can help with Spanish-speaking patients and their families"))),
    "ru": Origin(
        ("Olga", "Svetlana", "Natalia", "Irina"), ("Dmitri", "Sergei", "Aleksandr"),
        ("Ivanova|Ivanov", "Smirnova|Smirnov", "Petrova|Petrov", "Volkova|Volkov", "Kuznetsova|Kuznetsov"),
        ("ru", "fi", "en"), "fi",
        (("fi", "Puhun venäjää äidinkielenäni ja autan venäjänkielisten asiakkaiden kanssa"),
         ("fi", "Venäjä on äidinkieleni, voin selittää hoito-ohjeet venäjäksi"),
         ("fi", "Käännän tarvittaessa lyhyitä tekstejä venäjäksi"))),
    "et": Origin(
        ("Kadri", "Triin", "Kristiina"), ("Marko", "Tarmo"), ("Tamm", "Saar", "Kask", "Mägi", "Sepp"),
        ("et", "fi"), "fi",
        (("fi", "Viro on äidinkieleni, autan tarvittaessa virolaisia asiakkaita"),
         ("fi", "Puhun viroa ja autan virolaisia työkavereita alkuun"))),
    "uk": Origin(
        ("Oksana", "Yuliia", "Iryna"), ("Andrii", "Taras"), ("Shevchenko", "Kovalenko", "Bondarenko", "Melnyk"),
        ("uk", "ru", "fi"), "fi",
        (("fi", "Puhun ukrainaa ja venäjää, voin auttaa Ukrainasta tulleita asiakkaita"),
         ("fi", "Ukraina on äidinkieleni, autan ukrainalaisia perheitä asioinnissa"))),
    "so": Origin(
        ("Hodan", "Fadumo", "Amina"), ("Abdirahman", "Mohamed"), ("Hassan", "Farah", "Abdi", "Warsame"),
        ("so", "fi", "en"), "fi",
        (("fi", "Somali on äidinkieleni, autan somalinkielisiä perheitä asioinnissa"),
         ("fi", "Puhun somalia ja tunnen somalialaista kulttuuria"))),
    "fa": Origin(
        ("Maryam", "Zahra"), ("Reza", "Hamid"), ("Ahmadi", "Hosseini", "Karimi", "Rezaei"),
        ("fa", "fi", "en"), "fi",
        (("fi", "Puhun persiaa ja daria, autan mielelläni asiakkaita ja työkavereita"),
         ("fi", "Persia on äidinkieleni ja käännän tarvittaessa"))),
    "vi": Origin(
        ("Lan", "Hoa", "Thu"), ("Minh", "Duc"), ("Nguyen", "Tran", "Pham", "Le"), ("vi", "fi", "en"), "fi",
        (("fi", "Vietnam on äidinkieleni, autan vietnaminkielisiä asiakkaita"),
         ("en", "Vietnamese is my mother tongue, happy to help Vietnamese families"))),
}
ORIGINS_WRITING = {w: [k for k, o in ORIGINS.items() if o.writes == w] for w in ("en", "fi")}


@dataclass(frozen=True)
class Role:
    title: str
    pools: tuple[str, ...]  # the first is the role's own; the others are drawn from less often
    weight: int = 1


@dataclass(frozen=True)
class Unit:
    name: str
    size: int  # including the hand-written people placed in it
    roles: tuple[Role, ...]
    supervisors: tuple[str, ...]  # titles; the unit has 1 + size // 14 supervisors
    female: float
    # Shares of writers: Swedish-speaking, international writing English, international writing
    # Finnish, and Finns who write some statements in English; the rest write Finnish only.
    sv: float = 0.1
    intl_en: float = 0.08
    intl_fi: float = 0.05
    fi_en: float = 0.12
    swedish: bool = False  # the Swedish-language unit: everyone writes Swedish, Swedish titles


NURSE = ("hoitotyo",)
HOME_CARE = (
    Role("lähihoitaja", ("kotihoito", *NURSE), 6),
    Role("sairaanhoitaja", ("kotihoito", *NURSE), 3),
    Role("hoiva-avustaja", ("kotihoito",)),
)
UNITS: tuple[Unit, ...] = (
    Unit("Kotihoito Pohjoinen", 28, HOME_CARE, ("palveluesihenkilö", "tiimivastaava", "vastaava sairaanhoitaja"), 0.88,
         intl_en=0.12, intl_fi=0.08),
    Unit("Kotihoito Etelä", 22, HOME_CARE, ("palveluesihenkilö", "tiimivastaava"), 0.88, intl_en=0.12, intl_fi=0.08),
    Unit("Sisätautien osasto 3", 26, (
        Role("sairaanhoitaja", ("osasto", *NURSE), 6),
        Role("lähihoitaja", ("osasto", *NURSE), 3),
        Role("osastonsihteeri", ("sihteeri",)),
    ), ("osastonhoitaja", "apulaisosastonhoitaja"), 0.85, intl_en=0.18, intl_fi=0.06),
    Unit("Päivystys", 22, (
        Role("sairaanhoitaja", ("paivystys", *NURSE), 6),
        Role("lähihoitaja", ("paivystys", *NURSE), 2),
        Role("päivystyksen erikoislääkäri", ("paivystyslaakari", "paivystys"), 2),
    ), ("osastonhoitaja", "apulaisosastonhoitaja"), 0.7, intl_en=0.15, intl_fi=0.04, fi_en=0.2),
    Unit("Ikääntyneiden asumispalvelut", 28, (
        Role("lähihoitaja", ("asumis", *NURSE), 6),
        Role("hoiva-avustaja", ("asumis",), 2),
        Role("sairaanhoitaja", ("asumis", *NURSE)),
        Role("geronomi", ("asumis",)),
    ), ("palveluesihenkilö", "vastaava sairaanhoitaja", "tiimivastaava"), 0.87, intl_en=0.2, intl_fi=0.1, fi_en=0.05),
    Unit("Neuvola", 12, (
        Role("terveydenhoitaja", ("neuvola",), 5),
        Role("kätilö", ("neuvola",)),
    ), ("osastonhoitaja",), 0.95, sv=0.08, intl_en=0.0),
    Unit("Mielenterveys- ja päihdepalvelut", 18, (
        Role("psykiatrinen sairaanhoitaja", ("mtp", *NURSE), 4),
        Role("sosiaaliohjaaja", ("mtp",), 2),
        Role("psykologi", ("psykologi", "mtp")),
        Role("päihdetyöntekijä", ("mtp",)),
    ), ("palveluesihenkilö", "vastaava sairaanhoitaja"), 0.72),
    Unit("Lastensuojelu", 16, (
        Role("sosiaalityöntekijä", ("lastensuojelu",), 4),
        Role("sosiaaliohjaaja", ("lastensuojelu",), 3),
        Role("perhetyöntekijä", ("lastensuojelu",), 2),
    ), ("johtava sosiaalityöntekijä", "vastaava sosiaalityöntekijä"), 0.85, sv=0.0, intl_en=0.0, fi_en=0.0),
    Unit("Aikuissosiaalityö", 14, (
        Role("sosiaalityöntekijä", ("aikuissos",), 3),
        Role("sosiaaliohjaaja", ("aikuissos",), 3),
        Role("etuuskäsittelijä", ("aikuissos",), 2),
    ), ("johtava sosiaalityöntekijä", "vastaava sosiaalityöntekijä"), 0.8, intl_fi=0.08),
    Unit("Fysioterapia", 14, (
        Role("fysioterapeutti", ("fysio",), 5),
        Role("toimintaterapeutti", ("toimintaterapia",), 2),
        Role("kuntohoitaja", ("fysio",)),
    ), ("vastaava fysioterapeutti", "kuntoutuksen esihenkilö"), 0.75, sv=0.08, intl_fi=0.0),
    Unit("Suun terveydenhuolto", 14, (
        Role("hammaslääkäri", ("hammaslaakari",), 3),
        Role("suuhygienisti", ("suu",), 2),
        Role("hammashoitaja", ("suu",), 4),
    ), ("ylihammaslääkäri", "vastaava hammaslääkäri"), 0.85, intl_en=0.12),
    Unit("Talous- ja palkkahallinto", 12, (
        Role("kirjanpitäjä", ("kirjanpito",), 2),
        Role("palkkasihteeri", ("palkka",), 4),
        Role("controller", ("kirjanpito",)),
        Role("reskontranhoitaja", ("kirjanpito",)),
    ), ("talouspäällikkö",), 0.8, sv=0.08, intl_en=0.0),
    Unit("ICT-tuki", 12, (
        Role("IT-tukihenkilö", ("ict",), 5),
        Role("järjestelmäasiantuntija", ("ict",), 2),
        Role("tietoturva-asiantuntija", ("ict",)),
    ), ("ICT-palvelupäällikkö",), 0.35, sv=0.08, intl_en=0.15, fi_en=0.4),
    Unit("Siivous- ja laitoshuolto", 20, (
        Role("laitoshuoltaja", ("laitoshuolto",), 7),
        Role("välinehuoltaja", ("valinehuolto", "laitoshuolto"), 2),
    ), ("laitoshuoltopäällikkö", "työnjohtaja"), 0.82, sv=0.04, intl_en=0.12, intl_fi=0.25, fi_en=0.0),
    Unit("HR", 8, (
        Role("HR-asiantuntija", ("hr",), 3),
        Role("rekrytointiasiantuntija", ("hr",)),
        Role("työhyvinvointikoordinaattori", ("hr",)),
    ), ("HR-päällikkö",), 0.8, sv=0.1, intl_en=0.1, intl_fi=0.0, fi_en=0.25),
    Unit("Viestintä", 6, (
        Role("viestintäasiantuntija", ("viestinta",), 3),
        Role("graafinen suunnittelija", ("viestinta",)),
        Role("kääntäjä", ("viestinta",)),
    ), ("viestintäpäällikkö",), 0.7, sv=0.15, intl_en=0.0, intl_fi=0.0, fi_en=0.3),
    Unit("Svenskspråkiga tjänster", 28, (
        Role("sjukskötare", ("osasto", *NURSE), 3),
        Role("närvårdare", ("kotihoito", "asumis"), 4),
        Role("hälsovårdare", ("neuvola",), 2),
        Role("socialhandledare", ("aikuissos",), 2),
        Role("fysioterapeut", ("fysio",)),
    ), ("enhetschef", "avdelningsskötare", "ansvarig sjukskötare"), 0.85, swedish=True),
)

# ------------------------------------------------------------------------ hand-written experts

HANDWRITTEN: dict[str, dict[str, Any]] = {
    # The unit's Excel wizard works in home care: the demo's Excel requests must find her first.
    "emp-0042": {
        "name": "Riikka Halonen", "unit": "Kotihoito Pohjoinen", "title": "lähihoitaja", "languages": ["fi", "en"],
        "capacity": 3,
        "strengths": [
            ("Olen yksikön Excel-velho: pivot-taulukot, makrot ja VBA", 5, "fi"),
            ("Automatisoin työvuorolistojen ja käyntitilastojen teon Excelillä, jotta iltaan jää aikaa asiakkaille",
             5, "fi"),
            ("Haavanhoito ja lääkkeenjako asiakkaan kotona", 4, "fi"),
            ("Muistisairaiden asiakkaiden kohtaaminen rauhallisesti ja kiireettä", 4, "fi"),
        ],
    },
    # A physiotherapist who writes in English; Finnish requests about transfers should reach him.
    "emp-0088": {
        "name": "Liam O'Connor", "unit": "Fysioterapia", "title": "fysioterapeutti", "languages": ["en", "fi"],
        "capacity": 4,
        "strengths": [
            ("I teach safe patient transfer techniques and workplace ergonomics to nurses and care staff", 5, "en"),
            ("Rehabilitation after hip and knee replacement surgery", 4, "en"),
            ("Balance training and fall prevention for older adults", 4, "en"),
            ("Opiskelen suomea ja ymmärrän jo potilaiden arkikieltä", None, "fi"),
        ],
    },
    # A cleaner whose mother tongue is Arabic.
    "emp-0117": {
        "name": "Yasmin Haddad", "unit": "Siivous- ja laitoshuolto", "title": "laitoshuoltaja",
        "languages": ["ar", "fi", "en"], "capacity": 3,
        "strengths": [
            ("Puhun sujuvasti arabiaa äidinkielenäni, voin auttaa arabiankielisten asiakkaiden kanssa", 5, "fi"),
            ("Siivoan eristyshuoneet ohjeiden mukaan ja tiedän, miten tartunnat ehkäistään", 4, "fi"),
            ("Koneellinen lattianhoito ja isot lattianpesukoneet ovat tuttuja", 3, "fi"),
        ],
    },
    # A ward nurse who writes in Finnish about diabetes education; English requests should reach her.
    "emp-0150": {
        "name": "Satu Heikkinen", "unit": "Sisätautien osasto 3", "title": "sairaanhoitaja",
        "languages": ["fi", "sv", "en"], "capacity": 3,
        "strengths": [
            ("Diabetesta sairastavien potilaiden ohjaus ja insuliinihoidon opetus", 5, "fi"),
            ("Opetan potilaille ja omaisille verensokerin mittaamisen ja matalan verensokerin hoidon", 4, "fi"),
            ("Suonensisäinen lääkehoito ja kanylointi vuodeosastolla", 4, "fi"),
            ("Kotiutuvan potilaan jatkohoidon järjestäminen", 3, "fi"),
        ],
    },
    # Hidden (visible=false): a strong diabetes profile that must never be offered.
    "emp-0177": {
        "name": "Pirjo Rantanen", "unit": "Kotihoito Etelä", "title": "sairaanhoitaja", "languages": ["fi", "en"],
        "capacity": 2, "visible": False,
        "strengths": [
            ("Diabeteshoitajan erikoistumiskoulutus: insuliinihoidon aloitukset ja potilasohjaus", 5, "fi"),
            ("Diabetes education for patients starting insulin", 5, "en"),
            ("Haavanhoito ja diabeetikon jalkojen tarkastus", 4, "fi"),
        ],
    },
    # IT support who trains mindfulness.
    "emp-0203": {
        "name": "Tuomas Lehtola", "unit": "ICT-tuki", "title": "IT-tukihenkilö", "languages": ["fi", "en"],
        "capacity": 4,
        "strengths": [
            ("Ohjaan mindfulness-harjoituksia ja stressinhallinnan ryhmiä, olen käynyt ohjaajakoulutuksen", 5, "fi"),
            ("Työasemien, tulostimien ja mobiililaitteiden vianetsintä", 4, "fi"),
            ("Käyttäjätunnusten, salasanojen ja VPN-yhteyksien ongelmat", 4, "fi"),
        ],
    },
    # A payroll clerk who leads a choir and music sessions in elderly care.
    "emp-0231": {
        "name": "Marjatta Koivula", "unit": "Talous- ja palkkahallinto", "title": "palkkasihteeri",
        "languages": ["fi", "sv"], "capacity": 2,
        "strengths": [
            ("Johdan kuoroa ja järjestän laulu- ja musiikkihetkiä vanhustenhoidon yksiköissä", 5, "fi"),
            ("Soitan pianoa ja haitaria, yhteislaulun vetäminen käy minulta luontevasti", 4, "fi"),
            ("Tuntipalkkaisten palkanlaskenta ja lisien tarkistus", 4, "fi"),
            ("SOTE-sopimuksen tulkinta hankalissa palkka-asioissa", 3, "fi"),
        ],
    },
    # A Swedish-speaking social worker writing in Swedish about child protection.
    "emp-0264": {
        "name": "Johanna Lindholm", "unit": "Lastensuojelu", "title": "sosiaalityöntekijä",
        "languages": ["sv", "fi", "en"], "capacity": 3,
        "strengths": [
            ("Barnskydd och familjearbete är mitt område, också i svåra och akuta ärenden", 5, "sv"),
            ("Utredningar inom barnskyddet och stöd till familjer i kris", 4, "sv"),
            ("Nätverksmöten med familjer på svenska och finska", 4, "sv"),
            ("Kaksikielisten perheiden palveluohjaus suomeksi ja ruotsiksi", 3, "fi"),
        ],
    },
}

# --------------------------------------------------------------------------------- generation

STATEMENT_COUNTS = ((2, 10), (3, 28), (4, 32), (5, 20), (6, 10))
LEVELS = ((2, 8), (3, 32), (4, 40), (5, 20))
CAPACITIES = ((1, 10), (2, 25), (3, 35), (4, 18), (5, 12))
AVAILABILITY = (("available", 85), ("limited", 10), ("unavailable", 5))
HIDDEN_GENERATED = 4  # generated people with visible=false (plus the hand-written one)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


class _Picker:
    """Draws statements, preferring the skills and phrasings used least so far (fewer exact repeats)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.uses: Counter[tuple[str, str, int]] = Counter()
        self.phrasing_uses: Counter[str] = Counter()

    def pick(self, pool: str, language: str, taken: set[tuple[str, str, int]]) -> str | None:
        skills = POOLS[pool].get(language, [])
        free = [i for i in range(len(skills)) if (pool, language, i) not in taken]
        if not free:
            return None
        least = min(self.uses[(pool, language, i)] for i in free)
        index = self.rng.choice([i for i in free if self.uses[(pool, language, i)] == least])
        key = (pool, language, index)
        self.uses[key] += 1
        taken.add(key)
        skill = skills[index]
        phrasings = [skill] if isinstance(skill, str) else list(skill)
        fewest = min(self.phrasing_uses[p] for p in phrasings)
        text = self.rng.choice([p for p in phrasings if self.phrasing_uses[p] == fewest])
        self.phrasing_uses[text] += 1
        return text


@dataclass
class _Writer:
    """How one person writes: name origin, listed languages, language of each statement."""

    kind: str  # fi | fi_en | sv | intl
    origin: str | None = None

    def statement_language(self, rng: random.Random) -> str:
        if self.kind == "fi":
            return "fi"
        if self.kind == "fi_en":
            return "en" if rng.random() < 0.4 else "fi"
        if self.kind == "sv":
            return "sv" if rng.random() < 0.88 else "fi"
        main = ORIGINS[self.origin or "en"].writes
        return main if rng.random() < 0.85 else ("fi" if main == "en" else "en")


def _writer(rng: random.Random, unit: Unit) -> _Writer:
    if unit.swedish:
        return _Writer("sv")
    r = rng.random()
    if r < unit.sv:
        return _Writer("sv")
    r -= unit.sv
    if r < unit.intl_en:
        return _Writer("intl", rng.choice(ORIGINS_WRITING["en"]))
    r -= unit.intl_en
    if r < unit.intl_fi:
        return _Writer("intl", rng.choice(ORIGINS_WRITING["fi"]))
    r -= unit.intl_fi
    return _Writer("fi_en" if r < unit.fi_en else "fi")


def _name(rng: random.Random, writer: _Writer, female: bool, taken: set[str], unit: str) -> str:
    """A unique full name; no rare surname twice in one unit (it would read as a generated list)."""
    for _ in range(1000):
        if writer.kind == "sv":
            name = f"{rng.choice(SV_FEMALE if female else SV_MALE)} {rng.choice(SV_SURNAMES)}"
        elif writer.kind == "intl":
            origin = ORIGINS[writer.origin or "en"]
            surname = rng.choice(origin.surnames)
            if "|" in surname:
                surname = surname.split("|")[0 if female else 1]
            name = f"{rng.choice(origin.female if female else origin.male)} {surname}"
        else:
            name = f"{rng.choice(FI_FEMALE if female else FI_MALE)} {rng.choice(FI_SURNAMES)}"
        surname_in_unit = f"{unit}/{name.split(' ', 1)[1]}"
        if name not in taken and (writer.kind != "intl" or surname_in_unit not in taken):
            taken.update((name, surname_in_unit))
            return name
    raise RuntimeError("ran out of unique names")


def _languages(rng: random.Random, writer: _Writer) -> list[str]:
    if writer.kind == "intl":
        return list(ORIGINS[writer.origin or "en"].languages)
    if writer.kind == "sv":
        return ["sv", "fi"] + (["en"] if rng.random() < 0.7 else [])
    langs = ["fi"] + (["en"] if writer.kind == "fi_en" or rng.random() < 0.7 else [])
    return langs + (["sv"] if rng.random() < 0.3 else [])


def _strengths(
    rng: random.Random, picker: _Picker, role: Role, writer: _Writer, supervisor: bool
) -> list[dict[str, Any]]:
    """2–6 statements: mostly about the job, sometimes leading, general skills, languages or hobbies."""
    total = _weighted(rng, STATEMENT_COUNTS)
    extras: list[str] = []
    if rng.random() < 0.25:
        extras.append("yleinen")
    if writer.kind == "intl" and rng.random() < 0.6:
        extras.append("mother_tongue")
    if rng.random() < 0.2:
        extras.append("harrastus")
    rng.shuffle(extras)
    if supervisor:  # a supervisor always says something about leading
        extras = ["esihenkilo"] * rng.choice((1, 1, 2)) + extras
    jobs = max(1 if total < 3 else 2, total - len(extras))
    extras = extras[: max(1 if supervisor else 0, total - jobs)]
    taken: set[tuple[str, str, int]] = set()
    texts: list[tuple[str, str]] = []

    def draw(pool: str) -> None:
        first = writer.statement_language(rng)
        for language in dict.fromkeys((first, "fi", "en", "sv")):
            if writer.kind == "sv" and language == "en":
                continue
            text = picker.pick(pool, language, taken)
            if text is not None:
                texts.append((text, language))
                return

    for n in range(jobs):
        pools = role.pools
        pool = pools[0] if len(pools) == 1 or n == 0 or rng.random() < 0.7 else rng.choice(pools[1:])
        draw(pool)
    for pool in extras:
        if pool == "mother_tongue":
            options = ORIGINS[writer.origin or "en"].mother_tongue
            fewest = min(picker.phrasing_uses[t] for _, t in options)
            language, text = rng.choice([(lang, t) for lang, t in options if picker.phrasing_uses[t] == fewest])
            picker.phrasing_uses[text] += 1
            texts.append((text, language))
        else:
            draw(pool)
    out: list[dict[str, Any]] = []
    for text, language in texts:
        item: dict[str, Any] = {"text": text}
        if rng.random() < 0.55:
            item["level"] = _weighted(rng, LEVELS)
        item["language"] = language
        out.append(item)
    return out


def _row(external_id: str, person: dict[str, Any]) -> dict[str, Any]:
    """The import row, keys in a fixed order."""
    return {
        "external_id": external_id,
        "name": person["name"],
        "unit": person["unit"],
        "title": person["title"],
        "supervisor": person.get("supervisor", False),
        "languages": person["languages"],
        "availability": person.get("availability", "available"),
        "capacity": person["capacity"],
        "visible": person.get("visible", True),
        "strengths": person["strengths"],
    }


def _handwritten(person: dict[str, Any]) -> dict[str, Any]:
    strengths = []
    for text, level, language in person["strengths"]:
        item: dict[str, Any] = {"text": text}
        if level is not None:
            item["level"] = level
        item["language"] = language
        strengths.append(item)
    return {**person, "strengths": strengths}


def build_rows(seed: int = SEED) -> list[dict[str, Any]]:
    """Every import row, in id order."""
    rng = random.Random(seed)
    picker = _Picker(rng)
    names = {p["name"] for p in HANDWRITTEN.values()} | {
        f"{p['unit']}/{p['name'].split(' ', 1)[1]}" for p in HANDWRITTEN.values()
    }
    placed = Counter(p["unit"] for p in HANDWRITTEN.values())
    generated: list[dict[str, Any]] = []
    for unit in UNITS:
        n_supervisors = 1 + unit.size // 14
        for i in range(unit.size - placed[unit.name]):
            supervisor = i < n_supervisors
            writer = _writer(rng, unit)
            # Supervisors lead the unit's main profession.
            role = unit.roles[0] if supervisor else rng.choices(unit.roles, weights=[r.weight for r in unit.roles])[0]
            title = unit.supervisors[i] if supervisor else role.title
            generated.append({
                "name": _name(rng, writer, rng.random() < unit.female, names, unit.name),
                "unit": unit.name,
                "title": title,
                "supervisor": supervisor,
                "languages": _languages(rng, writer),
                "availability": _weighted(rng, AVAILABILITY),
                "capacity": rng.choice((1, 2, 3)) if supervisor else _weighted(rng, CAPACITIES),
                "strengths": _strengths(rng, picker, role, writer, supervisor),
            })
    rng.shuffle(generated)
    for person in rng.sample(generated, HIDDEN_GENERATED):
        person["visible"] = False
    slots: list[dict[str, Any] | None] = [None] * PEOPLE
    for external_id, person in HANDWRITTEN.items():
        slots[int(external_id.split("-")[1]) - 1] = _handwritten(person)
    it = iter(generated)
    rows = [_row(f"emp-{i + 1:04d}", slot if slot is not None else next(it)) for i, slot in enumerate(slots)]
    if next(it, None) is not None or len(generated) + len(HANDWRITTEN) != PEOPLE:
        raise RuntimeError("unit sizes do not add up to PEOPLE")
    _check(rows)
    return rows


def _check(rows: list[dict[str, Any]]) -> None:
    """Guard the promises the demo relies on: 2–6 statements of 4–25 words each."""
    for row in rows:
        if not 2 <= len(row["strengths"]) <= 6:
            raise RuntimeError(f"{row['external_id']} has {len(row['strengths'])} statements")
        for s in row["strengths"]:
            words = len(s["text"].split())
            if not 4 <= words <= 25:
                raise RuntimeError(f"{row['external_id']}: {words} words in {s['text']!r}")


def render(seed: int = SEED) -> str:
    """The NDJSON text of the sample organisation."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in build_rows(seed))


def main(argv: Sequence[str] = ()) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUT} is out of date: run python -m matcher.demo.generate\n")
            return 1
        return 0
    OUT.write_bytes(text.encode("utf-8"))
    sys.stderr.write(f"wrote {OUT} ({len(text.splitlines())} people)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
