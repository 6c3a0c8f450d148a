"""Parallel calibration sentences (fi/sv/en): the language means when the organisation's own
statements are too few to estimate them, and the query-side means in every case.

The same 30 meanings in each language, so what the means differ by is language, not topic.
"""

from __future__ import annotations

from embeddings.encoder import Encoder
from embeddings.language import Calibration

CALIBRATION: dict[str, list[str]] = {
    "fi": [
        "Osaan hoitaa haavoja ja vaihtaa sidokset.",
        "Autan mielelläni taulukkolaskennan kanssa.",
        "Olen kokenut lastensuojelun sosiaalityöntekijä.",
        "Puhun sujuvasti arabiaa ja voin tulkata.",
        "Teen työvuorolistat koko osastolle.",
        "Opetan potilaille insuliinin pistämistä.",
        "Tunnen potilastietojärjestelmän hyvin.",
        "Ohjaan rentoutus- ja mindfulness-harjoituksia.",
        "Hoidan laskujen käsittelyn ja maksut.",
        "Neuvon ergonomiassa ja potilassiirroissa.",
        "Osaan rauhoittaa aggressiivisen asiakkaan.",
        "Koulutan ensiapua työyhteisölle.",
        "Kirjoitan hankehakemuksia ja raportteja.",
        "Tuen perheitä vaikeissa elämäntilanteissa.",
        "Korjaan tietokoneiden ja tulostimien vikoja.",
        "Suunnittelen erityisruokavalioita ikäihmisille.",
        "Johdan kuoroa ja soitan pianoa.",
        "Tunnen tietosuojan ja henkilötietojen käsittelyn säännöt.",
        "Kehitän prosesseja lean-menetelmillä.",
        "Teen kotikäyntejä ikääntyneiden luona.",
        "Osaan viittomakieltä.",
        "Perehdytän uudet työntekijät.",
        "Hoidan lääkehoidon ja lääkkeiden jakamisen.",
        "Teen raportteja ja visualisointeja tiedoista.",
        "Autan päihdeongelmista kärsiviä asiakkaita.",
        "Huolehdin suun terveydestä ja hampaiden puhdistuksesta.",
        "Vastaan asiakaspalvelupuheluihin.",
        "Järjestän tapahtumia ja virkistyspäiviä.",
        "Osaan laatia budjetin ja seurata kuluja.",
        "Kuuntelen ja tuen työkavereita kriisitilanteissa.",
    ],
    "sv": [
        "Jag kan sköta sår och byta förband.",
        "Jag hjälper gärna till med kalkylprogram.",
        "Jag är en erfaren socialarbetare inom barnskyddet.",
        "Jag talar flytande arabiska och kan tolka.",
        "Jag gör arbetsturlistorna för hela avdelningen.",
        "Jag lär patienter att ta insulin.",
        "Jag känner patientdatasystemet väl.",
        "Jag leder avslappnings- och mindfulnessövningar.",
        "Jag sköter fakturahanteringen och betalningarna.",
        "Jag ger råd om ergonomi och patientförflyttningar.",
        "Jag kan lugna en aggressiv klient.",
        "Jag utbildar arbetsgemenskapen i första hjälpen.",
        "Jag skriver projektansökningar och rapporter.",
        "Jag stöder familjer i svåra livssituationer.",
        "Jag reparerar fel i datorer och skrivare.",
        "Jag planerar specialdieter för äldre.",
        "Jag leder en kör och spelar piano.",
        "Jag känner reglerna för dataskydd och behandling av personuppgifter.",
        "Jag utvecklar processer med lean-metoder.",
        "Jag gör hembesök hos äldre.",
        "Jag kan teckenspråk.",
        "Jag introducerar nya medarbetare.",
        "Jag sköter läkemedelsbehandlingen och delar ut läkemedel.",
        "Jag gör rapporter och visualiseringar av data.",
        "Jag hjälper klienter med missbruksproblem.",
        "Jag sköter munhälsan och tandrengöringen.",
        "Jag svarar på kundtjänstsamtal.",
        "Jag ordnar evenemang och rekreationsdagar.",
        "Jag kan göra upp en budget och följa upp kostnader.",
        "Jag lyssnar på och stöder kolleger i krissituationer.",
    ],
    "en": [
        "I can treat wounds and change dressings.",
        "I am happy to help with spreadsheets.",
        "I am an experienced child protection social worker.",
        "I speak fluent Arabic and can interpret.",
        "I make the shift rosters for the whole ward.",
        "I teach patients to inject insulin.",
        "I know the patient record system well.",
        "I lead relaxation and mindfulness exercises.",
        "I handle invoice processing and payments.",
        "I advise on ergonomics and patient transfers.",
        "I can calm down an aggressive client.",
        "I train the work community in first aid.",
        "I write grant applications and reports.",
        "I support families in difficult life situations.",
        "I fix faults in computers and printers.",
        "I plan special diets for older people.",
        "I conduct a choir and play the piano.",
        "I know the rules of data protection and personal data processing.",
        "I improve processes with lean methods.",
        "I make home visits to older people.",
        "I know sign language.",
        "I induct new employees.",
        "I take care of medication and dispensing medicines.",
        "I make reports and visualisations of data.",
        "I help clients with substance abuse problems.",
        "I take care of oral health and teeth cleaning.",
        "I answer customer service calls.",
        "I organise events and recreation days.",
        "I can draw up a budget and follow up costs.",
        "I listen to and support colleagues in crisis situations.",
    ],
}


def encode_calibration(encoder: Encoder) -> Calibration:
    """Every calibration sentence encoded as a document and as a query (about 180 short texts)."""
    texts: list[str] = []
    langs: list[str] = []
    for lang, sentences in CALIBRATION.items():
        texts += sentences
        langs += [lang] * len(sentences)
    # A caching encoder keeps these query vectors too: they are the same every start.
    encode_queries = getattr(encoder, "encode_queries_cached", encoder.encode_queries)
    return Calibration(encoder.encode_documents(texts), encode_queries(texts), tuple(langs))
