"""French phrase banks and fixed facts for the synthetic sample data.

Every theme of the sample codebook has two banks of short French phrasings
written like the real atelier notes and open answers (elliptic, with the local
abbreviations MSP, IDE, CCAS, ETP, CPTS, DAC...): ``constats`` (needs,
problems; used in "Constats" sections and in answers to "what are your needs")
and ``pistes`` (solutions; used in "Idées/Pistes d'action" and in answers to
"what would help you most"). Each phrasing carries exactly one theme, so a text
built from phrasings has a known ground truth; two phrasings joined on one line
give a two-theme segment.

Rules the phrasings follow (the ingest stage splits segments on sentences):
one sentence each, no ``.``/``!``/``?`` inside, no ``M.``/``etc.``
abbreviation, only characters that exist in cp1252 (the paper export).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Label written at the top of every note file and in every YAML/README.
SYNTHETIC_NOTE = "Données synthétiques générées par areas-analysis — aucune personne réelle"


@dataclass(frozen=True)
class ThemeBank:
    """One codebook theme with its phrase banks.

    Attributes:
        id: Theme id (snake_case, stable across cycles).
        label: Short French label.
        definition: French definition written for human coders.
        keywords: 5-12 French keywords.
        constats: Phrasings stating a need or a problem.
        pistes: Phrasings proposing a solution.
        one_word: Very short answers ("Transport.") that still carry the theme.
    """

    id: str
    label: str
    definition: str
    keywords: tuple[str, ...]
    constats: tuple[str, ...]
    pistes: tuple[str, ...]
    one_word: tuple[str, ...]
    parent: str | None = None


THEMES: tuple[ThemeBank, ...] = (
    ThemeBank(
        id="acces_medecin",
        label="Accès au médecin traitant",
        definition="Difficulté à trouver un médecin traitant ou un spécialiste, délais de rendez-vous, "
        "départs en retraite non remplacés, recours aux urgences faute de médecin.",
        keywords=("médecin traitant", "généraliste", "rendez-vous", "RDV", "délai", "retraite",
                  "spécialiste", "désert médical", "nouveaux patients", "créneau"),
        constats=(
            "Plus de médecin traitant depuis le départ en retraite du nôtre",
            "Délais de RDV trop longs chez le généraliste",
            "3 semaines pour voir un MG, c'est trop",
            "Je n'ai pas de médecin traitant et personne ne prend de nouveaux patients",
            "Les cabinets ne prennent plus de nouveaux patients",
            "Impossible d'avoir un rendez-vous dans la journée quand l'enfant est malade",
            "On finit aux urgences faute de généraliste disponible",
            "Médecins surchargés, secrétariat injoignable le matin",
            "Attente de 6 mois pour un ophtalmo ou un dermato",
            "Départs en retraite non remplacés sur le secteur",
            "Pas de médecin le samedi matin",
            "Mon médecin part à la retraite et je ne sais pas qui va me suivre",
            "Difficile de trouver un médecin traitant quand on arrive sur la commune",
            "Les spécialistes sont tous à Rennes avec des délais énormes",
            "Renouvellement d'ordonnance compliqué sans médecin traitant",
            "Accès au médecin de garde difficile le week-end",
            "Trop peu de généralistes pour la population",
            "Obligé de passer par SOS médecins ou les urgences",
            "On appelle 10 fois avant d'avoir un créneau",
            "Les jeunes médecins ne s'installent pas ici",
            "Pas de pédiatre ni de gynéco à proximité",
            "Il faut attendre plus d'un mois pour un simple suivi",
            "Désert médical, on le vit au quotidien",
        ),
        pistes=(
            "Recruter de nouveaux médecins sur le territoire",
            "Plus de créneaux de consultation sans rendez-vous",
            "Accueillir des internes en stage pour donner envie de s'installer",
            "Des consultations avancées de spécialistes à la MSP",
            "Une permanence de soins non programmés le samedi",
            "Faciliter l'installation des jeunes MG (logement, cabinet)",
            "Un médecin salarié par la commune ou un centre de santé",
            "Délégation de tâches aux IDE Asalée pour libérer du temps médical",
            "Une liste d'attente partagée pour trouver un médecin traitant",
            "Des créneaux réservés aux patients sans médecin traitant",
            "Plus de médecins, tout simplement",
            "Un assistant médical pour que le médecin voie plus de patients",
            "Ouvrir un centre de santé intercommunal",
            "Que la CPTS organise l'accès à un médecin traitant pour tous",
            "Avoir un rendez-vous en moins d'une semaine",
        ),
        one_word=("Médecin.", "Médecin traitant", "Généraliste", "Rendez-vous", "Délais"),
    ),
    ThemeBank(
        id="transport_mobilite",
        label="Transport et mobilité",
        definition="Distance aux lieux de soins, absence de transport en commun, dépendance à la voiture "
        "ou aux proches pour se rendre aux rendez-vous, solutions de mobilité.",
        keywords=("transport", "voiture", "distance", "km", "bus", "permis", "déplacement", "mobilité",
                  "covoiturage", "taxi"),
        constats=(
            "Pas de transport en commun pour aller au cabinet",
            "Le bus ne passe que deux fois par jour",
            "Sans voiture on est coincé",
            "Je ne conduis plus depuis mon AVC, je dépends de mes enfants pour aller chez le médecin",
            "Distance importante jusqu'à la MSP la plus proche",
            "25 km pour aller chez le kiné",
            "Les taxis conventionnés sont saturés",
            "Personnes âgées sans permis très isolées pour leurs RDV",
            "Aller à l'hôpital de Rennes, c'est une demi-journée perdue",
            "Transport à la demande mal connu et peu pratique",
            "Avec le prix de l'essence on renonce à certains rendez-vous",
            "Pas de trottoir ni de piste cyclable pour rejoindre le bourg",
            "Mobilité = frein n°1 dans les communes rurales",
            "Les jeunes sans permis ne peuvent pas aller au CMP",
            "Trop loin de tout quand on n'a pas de voiture",
            "Pas de pharmacie dans la commune, il faut faire 12 km",
            "VSL refusé pour les consultations de suivi",
            "Parking impossible près de l'hôpital",
            "L'hiver les routes sont difficiles pour les plus âgés",
            "Dépendance aux voisins pour se déplacer",
            "Les horaires du car ne collent pas avec les consultations",
            "Médecin à 20 minutes en voiture, impossible à pied",
        ),
        pistes=(
            "Développer le transport solidaire avec des chauffeurs bénévoles",
            "Un minibus santé qui fait la tournée des villages",
            "Étendre le transport à la demande aux RDV médicaux",
            "Mutualiser les trajets vers Rennes pour les consultations",
            "Plus de visites à domicile pour ceux qui ne peuvent pas se déplacer",
            "Des consultations délocalisées dans les petites communes",
            "Une plateforme de covoiturage pour les rendez-vous santé",
            "Des bons de transport pour les personnes sans voiture",
            "Faire venir les professionnels plutôt que déplacer les patients",
            "Un bus qui passe plus souvent",
            "Une navette vers la MSP les jours de marché",
            "Améliorer la desserte du car entre Médréac et Montauban",
            "Aide au financement du permis pour les jeunes",
            "Pouvoir être accompagné en voiture pour les examens à l'hôpital",
        ),
        one_word=("Transport.", "Transport", "Mobilité", "Déplacements", "Voiture"),
    ),
    ThemeBank(
        id="isolement",
        label="Isolement et lien social",
        definition="Solitude, perte de lien social, personnes âgées ou fragiles seules à domicile, "
        "repérage des personnes isolées, lieux et occasions de rencontre.",
        keywords=("isolement", "isolé", "seul", "solitude", "lien social", "rencontre", "voisin",
                  "convivialité", "repli"),
        constats=(
            "Beaucoup de personnes âgées seules à domicile",
            "Je me sens seule depuis le décès de mon mari",
            "Isolement des personnes âgées en campagne",
            "On ne voit plus personne depuis la fermeture du café",
            "Les jeunes retraités arrivés de la ville ne connaissent personne",
            "Solitude, surtout l'hiver",
            "Personne à qui parler dans la journée",
            "Perte de lien social après le covid",
            "Les familles sont loin, les enfants travaillent à Rennes",
            "Isolement des agriculteurs, on ne les voit jamais",
            "Des personnes qui ne sortent plus de chez elles",
            "Peu d'occasions de rencontre dans les petites communes",
            "Isolement = risque de décompensation non repérée",
            "Les veufs et veuves très isolés",
            "Maisons éloignées les unes des autres, pas de voisinage",
            "On repère trop tard les personnes isolées",
            "Sentiment d'abandon dans les hameaux",
            "Les mères seules avec enfants n'ont aucun relais",
            "Isolement social des personnes handicapées",
            "Moins d'activités au club des aînés depuis quelques années",
            "Je vis seul et personne ne passerait si je tombais",
            "Repli sur soi chez les personnes malades",
        ),
        pistes=(
            "Créer des cafés rencontre dans les bourgs",
            "Un réseau de voisins vigilants pour les personnes seules",
            "Visites de convivialité par des bénévoles",
            "Repérer les personnes isolées avec le CCAS et les facteurs",
            "Des repas partagés intergénérationnels",
            "Appels téléphoniques réguliers aux personnes seules",
            "Relancer le club des aînés",
            "Un lieu ouvert où l'on peut passer sans rendez-vous pour discuter",
            "S'appuyer sur les associations pour aller vers les plus isolés",
            "Des activités collectives pour recréer du lien",
            "Faire connaître le dispositif Monalisa contre l'isolement",
            "Des ateliers de quartier pour se rencontrer",
            "Un référent lien social dans chaque commune",
        ),
        one_word=("Solitude", "Isolement.", "Lien social", "Compagnie"),
    ),
    ThemeBank(
        id="information_orientation",
        label="Information et orientation",
        definition="Savoir à qui s'adresser, connaître les dispositifs et ressources existants, "
        "information fiable, répertoire ou guichet des ressources de santé.",
        keywords=("information", "orientation", "à qui s'adresser", "répertoire", "annuaire", "guichet",
                  "dispositifs", "ressources", "qui fait quoi", "droits"),
        constats=(
            "On ne sait pas à qui s'adresser",
            "Trop de dispositifs, on s'y perd",
            "Je ne sais pas où trouver une information fiable",
            "Méconnaissance des services existants sur le territoire",
            "Les gens ne connaissent pas le DAC ni le CLIC",
            "Difficile de s'y retrouver dans les démarches administratives",
            "Personne ne m'a expliqué mes droits après le diagnostic",
            "Manque de lisibilité de l'offre de soins",
            "Les nouveaux arrivants ne savent pas où aller",
            "L'info existe mais elle n'arrive pas jusqu'aux usagers",
            "Orientation compliquée entre CCAS, MSA et CPAM",
            "On découvre les aides par hasard",
            "Pas de guichet unique pour les questions de santé",
            "Les professionnels eux-mêmes ne connaissent pas toutes les ressources",
            "Difficulté à identifier le bon interlocuteur à la MSP",
            "Trop d'informations contradictoires, on ne sait plus qui croire",
            "Démarches APA incompréhensibles",
            "Je ne savais pas qu'il existait des séances d'ETP près de chez moi",
            "Besoin d'être orienté, pas seulement informé",
            "Les affiches en mairie, personne ne les lit",
            "Savoir qui fait quoi sur le territoire",
        ),
        pistes=(
            "Un répertoire des ressources santé du territoire",
            "Un annuaire papier distribué dans les boîtes aux lettres",
            "Un guichet unique santé dans chaque communauté de communes",
            "Un numéro unique pour être orienté",
            "Une fiche « qui fait quoi » à la MSP",
            "Des permanences d'information à la mairie",
            "Un répertoire numérique interactif mis à jour",
            "Former les secrétaires de mairie à orienter",
            "Repérage physique d'une référente à la MSP",
            "Un livret d'accueil santé pour les nouveaux arrivants",
            "Informer via le bulletin municipal",
            "Une rubrique santé sur le site de la commune",
            "Un forum annuel des ressources santé",
            "Des ambassadeurs santé qui relaient l'info",
        ),
        one_word=("Information", "Orientation", "Infos", "Savoir où aller"),
    ),
    ThemeBank(
        id="numerique",
        label="Fracture numérique et téléconsultation",
        definition="Difficultés avec internet, la prise de rendez-vous en ligne, les démarches "
        "dématérialisées et la téléconsultation ; couverture réseau ; accompagnement numérique.",
        keywords=("internet", "numérique", "en ligne", "Doctolib", "téléconsultation", "ordinateur",
                  "réseau", "Ameli", "dématérialisé", "tablette"),
        constats=(
            "Tout passe par internet maintenant, je suis perdu",
            "Doctolib, je ne sais pas faire",
            "Pas d'ordinateur à la maison",
            "Zones blanches, le réseau ne passe pas pour la téléconsultation",
            "Fracture numérique chez les plus âgés",
            "Prise de RDV uniquement en ligne = exclusion",
            "Je n'arrive pas à me connecter à mon compte Ameli",
            "La téléconsultation ne remplace pas un vrai rendez-vous",
            "Mes petits-enfants font tout pour moi sur le téléphone",
            "Mon espace santé, personne ne sait l'utiliser",
            "Connexion internet trop lente à la campagne",
            "Les démarches dématérialisées excluent les personnes âgées",
            "Peur de faire une erreur sur internet",
            "Les ordonnances envoyées par mail, je ne sais pas les imprimer",
            "Illettrisme numérique sous-estimé",
            "Le téléphone portable, je ne m'en sers que pour appeler",
            "Plus de guichet physique à la CPAM, tout se fait sur internet",
            "La cabine de téléconsultation de la pharmacie, je n'ose pas",
            "Beaucoup de gens n'ont pas d'adresse mail",
            "Les applis changent tout le temps",
        ),
        pistes=(
            "Des ateliers numériques pour apprendre à prendre RDV en ligne",
            "Un conseiller numérique dans chaque mairie",
            "Garder une possibilité de prendre RDV par téléphone",
            "Une téléconsultation accompagnée par une IDE à la MSP",
            "Aide aux démarches en ligne par des bénévoles",
            "Former les aidants aux outils numériques",
            "Améliorer la couverture réseau dans les hameaux",
            "Téléconsultation assistée à domicile",
            "Des tablettes prêtées avec un accompagnement",
            "Un tuto papier pour Mon espace santé",
            "Des jeunes en service civique pour accompagner les aînés sur internet",
            "Maintenir un accueil physique pour les démarches",
        ),
        one_word=("Internet", "Numérique", "Informatique", "Téléconsultation"),
    ),
    ThemeBank(
        id="aidants",
        label="Soutien et répit des aidants",
        definition="Situation des proches aidants : épuisement, besoin de répit, reconnaissance, "
        "formation, accueil de jour et hébergement temporaire, santé de l'aidant.",
        keywords=("aidant", "aidante", "répit", "accueil de jour", "épuisement", "proche",
                  "hébergement temporaire", "relayage", "souffler"),
        constats=(
            "Épuisement des aidants, personne ne s'en occupe",
            "Je m'occupe de mon mari atteint d'Alzheimer 24h/24",
            "Pas de solution de répit à proximité",
            "Les aidants ne se reconnaissent pas comme aidants",
            "Accueil de jour complet, liste d'attente de plusieurs mois",
            "Aidante de ma mère et de mon fils handicapé, je n'en peux plus",
            "Pas de relais quand l'aidant tombe malade",
            "Les aidants oublient leur propre santé",
            "Culpabilité de laisser son proche pour souffler",
            "Difficile de concilier travail et rôle d'aidant",
            "Jeunes aidants invisibles",
            "Hébergement temporaire introuvable en été",
            "Aidants pas assez écoutés par les soignants",
            "On nous demande beaucoup, on nous aide peu",
            "Manque de reconnaissance du rôle d'aidant",
            "L'ADMR manque de personnel alors je fais tout pour ma mère",
            "Pas de formation pour les aidants familiaux",
            "Aidants âgés eux-mêmes fragiles",
            "Je ne peux jamais partir, même une journée, à cause de mon mari",
        ),
        pistes=(
            "Développer les solutions de répit (accueil de jour, halte répit)",
            "Un groupe de parole pour les aidants",
            "Des formations pour les aidants familiaux",
            "Un relayage à domicile quelques heures par semaine",
            "Une plateforme de répit sur le Pays de Brocéliande",
            "Repérer les aidants à la pharmacie et chez le médecin",
            "Des cafés des aidants réguliers",
            "Un temps de consultation dédié à la santé de l'aidant",
            "Plus de places d'hébergement temporaire",
            "Des séjours de répit aidant-aidé",
            "Une carte aidant pour être reconnu",
            "Un pair aidant pour accompagner les nouveaux aidants",
            "Des horaires d'accueil de jour adaptés aux aidants qui travaillent",
        ),
        one_word=("Répit", "Aidants", "Souffler", "Aide aux aidants"),
    ),
    ThemeBank(
        id="prevention_bien_etre",
        label="Prévention, activité physique et bien-être",
        definition="Prévention et dépistage, activité physique adaptée, alimentation, sommeil, "
        "éducation thérapeutique, pratiques de bien-être et repères fiables pour rester en bonne santé.",
        keywords=("prévention", "dépistage", "activité physique", "sport", "marche", "alimentation",
                  "nutrition", "bien-être", "ETP", "chutes", "vaccination"),
        constats=(
            "Manque d'activités physiques adaptées pour les seniors",
            "Pas assez de prévention, on soigne trop tard",
            "Le dépistage du cancer, on n'y pense pas",
            "Peu d'actions de prévention en milieu rural",
            "Les jeunes mangent mal et bougent peu",
            "Pas de salle de sport accessible",
            "Sédentarité, surpoids",
            "Il faudrait agir plus tôt, avant la maladie",
            "Rien sur le sommeil ou l'alimentation",
            "Les chutes des personnes âgées pourraient être évitées",
            "Manque de repères fiables pour les pratiques de bien-être",
            "Addictions chez les jeunes (alcool, écrans)",
            "Beaucoup de retard dans les vaccinations des adultes",
            "Je voudrais rester en forme le plus longtemps possible",
            "Prendre soin de soi, on n'a pas le temps",
            "Peu d'ETP en dehors du diabète",
            "La santé ce n'est pas que le soin : bien-être, alimentation, sport",
            "Marche et activité douce, rien n'existe près de chez nous",
            "Dépistages organisés mal suivis dans la commune",
            "Hygiène de vie, personne n'en parle",
        ),
        pistes=(
            "Des groupes de marche encadrés",
            "Sport santé sur ordonnance à la MSP",
            "Ateliers nutrition et cuisine",
            "Ateliers prévention des chutes pour les plus de 70 ans",
            "Une journée prévention avec dépistages dans la commune",
            "Plus de programmes ETP (diabète, BPCO, insuffisance cardiaque)",
            "Des séances de yoga ou de relaxation accessibles",
            "Interventions de prévention dans les écoles et au collège",
            "Communiquer au travers des campagnes de prévention",
            "Un camion de prévention itinérant",
            "Gym douce pour les retraités à la salle des fêtes",
            "Ateliers sommeil et alimentation",
            "Un parcours santé dans le bourg",
            "Des soirées thématiques prévention avec les professionnels de la MSP",
        ),
        one_word=("Prévention", "Sport", "Bien-être", "Activité physique"),
    ),
    ThemeBank(
        id="coordination_parcours",
        label="Coordination des professionnels et parcours",
        definition="Coordination entre professionnels (ville, hôpital, médico-social), transmission "
        "d'informations, continuité du parcours, préparation des sorties d'hospitalisation.",
        keywords=("coordination", "parcours", "sortie d'hospitalisation", "lien ville-hôpital",
                  "transmission", "pluri-professionnel", "DAC", "dossier partagé", "suivi"),
        constats=(
            "Les professionnels ne se parlent pas entre eux",
            "Sortie d'hospitalisation mal préparée, personne au domicile",
            "Je dois tout répéter à chaque professionnel",
            "Pas de lien entre l'hôpital et le médecin traitant",
            "Parcours du combattant pour les maladies chroniques",
            "Compte rendu d'hospitalisation jamais arrivé chez le MG",
            "Coordination ville-hôpital insuffisante",
            "Chacun travaille dans son coin, libéraux comme hospitaliers",
            "Rupture de parcours à la sortie du CH",
            "Personne ne fait le lien entre kiné, IDE et médecin",
            "Le patient est le seul à porter son dossier",
            "Les examens sont refaits faute de transmission",
            "Trop d'intervenants à domicile sans coordination",
            "Manque de réunions de concertation pluri-pro",
            "Les pharmaciens ne sont pas informés des changements de traitement",
            "Le DAC est trop peu sollicité pour les situations complexes",
            "Retour à domicile sans SSIAD ni HAD organisés",
            "Patients chroniques perdus entre spécialistes",
            "Dossier médical partagé peu utilisé",
            "Parcours en cancérologie complexe, on se sent perdu",
            "Pas d'infirmière de coordination pour les situations complexes",
        ),
        pistes=(
            "Un coordinateur de parcours pour les patients complexes",
            "Une messagerie sécurisée commune à tous les pros",
            "Des réunions pluri-professionnelles régulières à la MSP",
            "Préparer la sortie d'hospitalisation avec l'équipe de ville",
            "Un carnet de liaison partagé à domicile",
            "Mieux utiliser le DAC pour les situations complexes",
            "Des protocoles pluri-pro (plaies, HTA, chutes)",
            "Un dossier patient partagé entre tous les professionnels",
            "Une IDE de coordination en cancérologie sur tout le territoire",
            "Consultations conjointes médecin et IDE",
            "Un appel systématique le lendemain de la sortie d'hôpital",
            "La CPTS comme lieu de coordination ville-hôpital",
            "Des temps d'échange entre hospitaliers et libéraux",
        ),
        one_word=("Coordination", "Parcours", "Suivi", "Lien ville-hôpital"),
    ),
    ThemeBank(
        id="sante_mentale",
        label="Santé mentale et écoute",
        definition="Souffrance psychique, accès aux psychologues, au CMP et à la psychiatrie, besoin "
        "d'écoute, repérage du mal-être, premiers secours en santé mentale.",
        keywords=("santé mentale", "psychologue", "psy", "CMP", "écoute", "dépression", "anxiété",
                  "mal-être", "souffrance", "PSSM"),
        constats=(
            "Délais énormes au CMP, 6 mois d'attente",
            "Pas de psychologue accessible sans payer",
            "Souffrance psychique des jeunes depuis le covid",
            "Besoin d'écoute, de quelqu'un à qui parler",
            "Dépression non repérée chez les personnes âgées",
            "Le burn-out touche beaucoup de gens autour de moi",
            "Idées noires chez des ados, on ne sait pas quoi faire",
            "Pas de psychiatre sur le territoire",
            "Anxiété, troubles du sommeil, on se débrouille seul",
            "Tabou autour de la santé mentale en milieu rural",
            "Mal-être des agriculteurs",
            "Urgences psy saturées",
            "Accompagnement insuffisant après un deuil",
            "Stress et épuisement chez les parents",
            "Personne pour écouter les patients anxieux",
            "Harcèlement scolaire, souffrance des enfants",
            "Consommation d'alcool liée au mal-être",
            "Je suis suivi pour une dépression et je n'ai plus de psy",
            "Le dispositif MonSoutienPsy est mal connu",
            "Santé mentale = parent pauvre du territoire",
        ),
        pistes=(
            "Un psychologue à la MSP avec des séances remboursées",
            "Former des secouristes en santé mentale (PSSM)",
            "Des lieux d'écoute anonymes et gratuits",
            "Une permanence du CMP dans les communes",
            "Des groupes de parole animés par des pairs",
            "Une ligne d'écoute locale",
            "Repérer le mal-être lors des consultations",
            "Une maison des adolescents plus proche",
            "Informer sur MonSoutienPsy",
            "Des ateliers gestion du stress et des émotions",
            "Un infirmier en pratique avancée psy sur le secteur",
            "Sensibiliser les élus et les associations à la santé mentale",
        ),
        one_word=("Psy", "Écoute", "Santé mentale", "Moral"),
    ),
    ThemeBank(
        id="participation_usagers",
        label="Participation des usagers et patients partenaires",
        definition="Faire participer les usagers et patients aux décisions et aux projets de santé, "
        "patients partenaires, commissions d'usagers, reconnaissance des savoirs expérientiels.",
        keywords=("patient partenaire", "usagers", "participation", "commission", "co-construire",
                  "savoirs expérientiels", "ambassadeurs", "acteur", "projet de santé"),
        constats=(
            "Les usagers ne sont jamais consultés",
            "Difficultés de recrutement des usagers",
            "Manque d'intérêt des usagers (motivation)",
            "Usagers/Patients qui montent en niveau de participation après avoir bénéficié de services de la MSP",
            "Patient passif, pas acteur de sa santé",
            "On décide pour nous sans nous demander",
            "Le projet de santé de la MSP ne tient pas compte de l'avis des patients",
            "Savoirs des patients peu reconnus par les soignants",
            "Peu de patients partenaires sur le territoire",
            "La commission des usagers du CH, personne ne sait qu'elle existe",
            "Être conscient de sa capacité d'agir",
            "Démarche d'équipe à faire évoluer pour inclure les patients",
            "Les associations de patients absentes des décisions",
            "Les réunions publiques attirent toujours les mêmes personnes",
            "Pas de retour sur ce qu'on a dit lors des consultations publiques",
            "Les patients ne se sentent pas légitimes pour s'impliquer",
            "Manque de reconnaissance des savoirs expérientiels",
            "Patient est un acteur à part entière, pas de question à se poser",
            "Les jeunes ne participent jamais",
            "Difficile de prendre la parole devant des professionnels",
        ),
        pistes=(
            "Créer une commission d'usagers au sein des MSP",
            "Recruter des patients partenaires",
            "Associer les usagers au projet de santé de la MSP",
            "Patients ambassadeurs dans chaque commune",
            "Une boîte à idées et un questionnaire de satisfaction",
            "Co-construire les parcours avec les patients",
            "Former des patients partenaires avec le DPPER",
            "Valoriser les savoirs des usagers",
            "Des portes ouvertes de la MSP pour se rencontrer",
            "Faire participer les usagers à l'évaluation des actions",
            "Recueil d'expérience patient (témoignages)",
            "Des ateliers participatifs réguliers comme aujourd'hui",
            "Pair aidance et patients partenaires dans les équipes",
        ),
        one_word=("Participation", "Patients partenaires", "Concertation"),
    ),
    ThemeBank(
        id="conditions_travail_soignants",
        label="Conditions de travail des soignants",
        definition="Charge de travail, épuisement et bien-être des professionnels, manque de temps pour "
        "les patients, tâches administratives, remplacements, maintien des soignants sur le territoire.",
        keywords=("charge de travail", "épuisement", "burn-out des soignants", "temps", "administratif",
                  "remplaçants", "débordés", "soignants", "reconnaissance", "soutien entre pairs"),
        constats=(
            "Charge de travail intenable pour les IDE libérales",
            "Épuisement professionnel, plusieurs collègues en arrêt",
            "Pas le temps de prendre le temps avec les patients",
            "Tâches administratives qui mangent le temps de soin",
            "Tarification à l'acte incompatible avec l'accompagnement",
            "Les médecins sont débordés, ça se voit",
            "Manque de remplaçants, impossible de prendre des congés",
            "Sentiment de solitude dans l'exercice libéral",
            "Difficile de recruter des secrétaires médicales",
            "Journées de 12 heures, ce n'est pas tenable",
            "Agressivité de certains patients à l'accueil",
            "Pas de temps pour la formation continue",
            "Soignants qui quittent le territoire par épuisement",
            "Tournées à rallonge pour les infirmiers à domicile",
            "Pression permanente et peu de reconnaissance",
            "On soigne les autres mais personne ne prend soin des soignants",
            "Difficile de concilier vie pro et vie perso",
            "Les kinés refusent de nouveaux patients, agendas pleins",
            "Turn-over important à l'hôpital",
            "Manque de temps d'échange entre collègues",
        ),
        pistes=(
            "Des temps de soutien entre pairs pour les soignants",
            "Un assistant administratif partagé à la MSP",
            "Valoriser le temps d'accompagnement hors acte",
            "Des ateliers bien-être pour les soignants",
            "Faciliter les remplacements via la CPTS",
            "Des groupes d'analyse de pratiques",
            "Une supervision pour les professionnels exposés",
            "Alléger la charge administrative",
            "Un logement pour les remplaçants et les internes",
            "Protéger un temps pour les patients complexes",
            "Reconnaître le travail des secrétaires",
            "Plus de soignants pour répartir la charge",
        ),
        one_word=("Du temps", "Épuisement", "Charge de travail", "Moyens humains"),
    ),
    ThemeBank(
        id="cout_soins",
        label="Coût des soins",
        definition="Reste à charge, dépassements d'honoraires, mutuelle trop chère ou absente, "
        "avance de frais, renoncement aux soins pour raisons financières, droits (C2S).",
        keywords=("coût", "reste à charge", "dépassements", "mutuelle", "remboursement", "argent",
                  "avance de frais", "C2S", "secteur 2", "renoncement"),
        constats=(
            "Reste à charge trop élevé pour les lunettes et les dents",
            "Dépassements d'honoraires chez les spécialistes",
            "Je n'ai plus de mutuelle depuis la retraite",
            "Mutuelle trop chère pour les retraités",
            "On renonce aux soins dentaires faute d'argent",
            "Avance de frais impossible pour certains",
            "Les prothèses auditives coûtent une fortune",
            "Franchises médicales qui s'accumulent",
            "Pas les moyens d'aller chez un spécialiste en secteur 2",
            "Petite retraite, grosse mutuelle",
            "Les médicaments non remboursés pèsent sur le budget",
            "Le forfait hospitalier, une vraie charge",
            "Certains ne savent pas qu'ils ont droit à la C2S",
            "Renoncement aux soins pour raisons financières",
            "Ostéo et diététicienne non remboursés",
            "Les personnes précaires renoncent aux soins",
            "Matériel médical à domicile trop cher",
            "Dépassements à la clinique, devis jamais expliqué",
        ),
        pistes=(
            "Aide pour payer la mutuelle",
            "Une mutuelle communale négociée",
            "Plus de médecins en secteur 1",
            "Accompagnement pour ouvrir ses droits à la C2S",
            "Tiers payant généralisé",
            "Un fonds d'aide du CCAS pour les soins",
            "Mieux rembourser les soins dentaires et optiques",
            "Des permanences de la CPAM pour les droits",
            "Des devis expliqués avant les soins",
            "Limiter les dépassements d'honoraires",
            "Faire connaître les centres de santé sans avance de frais",
        ),
        one_word=("Argent", "Mutuelle", "Coût", "Remboursements"),
    ),
)

THEME_IDS: tuple[str, ...] = tuple(t.id for t in THEMES)
BANK: dict[str, ThemeBank] = {t.id: t for t in THEMES}

#: A plausible confusion for each theme (what a tired human coder picks instead).
NEIGHBOUR: dict[str, tuple[str, ...]] = {
    "acces_medecin": ("coordination_parcours", "cout_soins"),
    "transport_mobilite": ("isolement", "acces_medecin"),
    "isolement": ("sante_mentale", "transport_mobilite"),
    "information_orientation": ("numerique", "coordination_parcours"),
    "numerique": ("information_orientation",),
    "aidants": ("isolement", "sante_mentale"),
    "prevention_bien_etre": ("sante_mentale", "information_orientation"),
    "coordination_parcours": ("acces_medecin", "information_orientation"),
    "sante_mentale": ("isolement", "prevention_bien_etre"),
    "participation_usagers": ("information_orientation", "coordination_parcours"),
    "conditions_travail_soignants": ("coordination_parcours", "acces_medecin"),
    "cout_soins": ("acces_medecin",),
}

# --------------------------------------------------------------------------- notes
#: Lines without any theme (organisation of the project itself).
GENERIC_NOTES: tuple[str, ...] = (
    "Conditions favorables",
    "Groupe de travail",
    "Financement",
    "Trouver un porteur de projet",
    "Soutien des élus",
    "Prévoir une réunion de restitution",
    "Pérenniser la démarche au-delà du projet",
    "Avoir des moyens humains",
    "Idée à creuser",
    "Trouver une salle",
    "Communication à travailler",
    "Temps de coordination à financer",
    "Voir avec la mairie",
    "Bonne dynamique de groupe",
    "À rediscuter à la prochaine réunion",
    "Budget ?",
    "Calendrier à préciser",
    "Partenariat avec la communauté de communes",
    "S'appuyer sur l'existant",
    "Un comité de suivi",
)
GENERIC_FREINS: tuple[str, ...] = (
    "Financement",
    "Manque de temps des bénévoles",
    "Lourdeur administrative",
    "Crainte que ça ne soit pas suivi d'effet",
    "Manque de moyens",
    "Turn-over des partenaires",
)
GENERIC_LEVIERS: tuple[str, ...] = (
    "Réseau associatif dense",
    "Soutien de la CPTS",
    "Élus mobilisés",
    "Dynamique de la MSP",
    "Partenariat avec la MSA",
    "Bonne volonté de tous",
)
#: Workshop boilerplate put in front of some lines (no theme of its own).
NOTE_PREFIXES: tuple[str, ...] = (
    "Les participants soulignent : ",
    "Constat partagé : ",
    "Remontée de plusieurs participants : ",
    "Unanime : ",
    "Témoignage : ",
)
NOTE_SUFFIXES: tuple[str, ...] = (" (plusieurs participants)", " (x3)", " -> priorité", " !!", " (consensus)",
                                  " (idée reprise par toute la table)")
#: Note-taking shorthand: (what is written out, how a facilitator jots it down).
NOTE_SHORTHAND: tuple[tuple[str, str], ...] = (
    ("rendez-vous", "RDV"), ("RDV", "rdv"), ("médecin traitant", "MT"), ("généralistes", "MG"),
    ("généraliste", "MG"), ("personnes âgées", "PA"), ("professionnels", "pros"), ("beaucoup", "bcp"),
    (" plus ", " + "), (" et ", " & "), ("hospitalisation", "hospi"), ("minutes", "min"),
    ("infirmières", "IDE"), ("infirmiers", "IDE"), ("psychologue", "psy"), ("quelque chose", "qqch"),
)
#: Leading articles a note-taker drops ("Un minibus santé" -> "Minibus santé").
NOTE_ARTICLES: tuple[str, ...] = ("Un ", "Une ", "Des ", "Le ", "La ", "Les ")
#: Joins two phrasings on one note line (never a sentence break).
NOTE_JOINERS: tuple[str, ...] = (" + ", ", et aussi ", " / ", " et ")

#: Facilitators' first names (the pseudonymiser must replace them).
FACILITATORS: tuple[str, ...] = ("Marina", "Mélanie", "Yann", "Soizic", "Gwenaëlle", "Erwan", "Katell", "Loïc")

# --------------------------------------------------------------------------- answers
#: Answers without any theme.
NOISE_ANSWERS: tuple[str, ...] = ("RAS", "Rien", "je ne sais pas", "Je ne sais pas.", "Aucun", "Pas d'avis",
                                  "?", "Rien de particulier pour l'instant", "Ça va pour moi", "NSP", "Non",
                                  "-", "Tout va bien")
#: Follow-up sentences without a theme, appended to some answers.
ANSWER_TAILS: dict[str, tuple[str, ...]] = {
    "constats": ("C'est urgent.", "Pour moi c'est le plus important.", "Et ça ne s'arrange pas.",
                 "Comme beaucoup de gens ici.", "Merci pour ce questionnaire.", "Voilà.",
                 "C'est vraiment un problème."),
    "pistes": ("Ce serait déjà bien.", "Ça aiderait beaucoup.", "Merci de nous demander notre avis.", "Voilà.",
               "Merci pour ce questionnaire.", "Pour moi c'est le plus important."),
}
#: Theme-neutral asides appended to some answers.
ANSWER_ASIDES: tuple[str, ...] = (" (pour mes parents)", " (surtout pour les personnes âgées)",
                                  " (dans notre commune)", " (urgent)", " (comme beaucoup)",
                                  " (pour toute la famille)", " !")
ANSWER_PREFIXES: tuple[str, ...] = ("Avant tout : ", "Surtout : ", "Pour moi : ", "Le plus important : ")

# --------------------------------------------------------------------------- DPPER comments
DPPER_THEMES: tuple[ThemeBank, ...] = (
    ThemeBank(
        id="ecoute_patient",
        label="Écoute du patient",
        definition="Place laissée à la parole du patient : écoute, reformulation, laisser parler.",
        keywords=("écoute", "écouter", "laisser parler", "reformulation", "silence", "parole"),
        constats=(
            "La patiente partenaire m'a fait réaliser l'importance de laisser parler le patient",
            "J'ai appris à écouter avant de poser mes questions",
            "Le retour du patient sur mon écoute était très utile",
            "Je coupe trop souvent la parole, je m'en rends compte maintenant",
            "Importance de la reformulation",
            "Prendre le temps d'écouter ce que le patient a à dire",
            "Le patient m'a dit qu'il ne s'était pas senti écouté, ça m'a marqué",
            "Apprendre à laisser des silences",
            "Écouter vraiment, pas seulement recueillir des symptômes",
            "Le débrief avec le patient partenaire sur l'écoute était le meilleur moment",
        ),
        pistes=(),
        one_word=("Écoute",),
    ),
    ThemeBank(
        id="vecu_maladie",
        label="Vécu de la maladie",
        definition="Compréhension du vécu de la maladie par le patient : quotidien, retentissement, "
        "savoirs expérientiels.",
        keywords=("vécu", "quotidien", "maladie chronique", "témoignage", "savoirs", "retentissement"),
        constats=(
            "Entendre le vécu de la maladie au quotidien change la perspective",
            "J'ai compris ce que représente un diagnostic dans la vie d'un patient",
            "Le témoignage sur la vie avec une maladie chronique était touchant",
            "On oublie le retentissement sur la famille et le travail",
            "Les savoirs du patient sur sa maladie sont précieux",
            "Le patient connaît parfois mieux sa maladie que nous",
            "J'ai découvert tout ce que le patient gère seul entre deux consultations",
            "Son récit du parcours de soins m'a ouvert les yeux",
            "La maladie ce n'est pas que des symptômes, c'est une vie entière",
        ),
        pistes=(),
        one_word=("Vécu",),
    ),
    ThemeBank(
        id="communication",
        label="Communication et annonce",
        definition="Techniques de communication : vocabulaire adapté, non verbal, structure de l'annonce, "
        "vérification de la compréhension.",
        keywords=("communication", "vocabulaire", "jargon", "non verbal", "annonce", "questions ouvertes"),
        constats=(
            "Travailler la communication non verbale",
            "J'ai appris à adapter mon vocabulaire",
            "Éviter le jargon médical",
            "Pour l'annonce j'ai mieux structuré mon discours",
            "Vérifier ce que le patient a compris",
            "Utiliser des questions ouvertes",
            "Faire attention au ton et au regard",
            "Annoncer en plusieurs temps, ne pas tout dire d'un coup",
            "Reformuler avec des mots simples",
        ),
        pistes=(),
        one_word=("Communication",),
    ),
    ThemeBank(
        id="realisme_scenario",
        label="Réalisme du scénario et des situations",
        definition="Crédibilité du cas ou du scénario, jeu du patient standardisé, proximité avec les "
        "situations de stage.",
        keywords=("réaliste", "scénario", "cas", "crédible", "comédien", "situation"),
        constats=(
            "Scénario réaliste, proche de ce qu'on verra en stage",
            "Le comédien jouait un peu faux",
            "Situation peu réaliste",
            "Cas trop simple par rapport à la réalité",
            "Le cas clinique était bien construit",
            "Je n'ai pas trouvé le scénario crédible",
            "On sentait que c'était joué",
            "Situations proches de celles vues en stage",
        ),
        pistes=(),
        one_word=("Réaliste",),
    ),
    ThemeBank(
        id="stress_organisation",
        label="Stress et organisation",
        definition="Stress ressenti, gestion du temps, organisation et consignes de la séance.",
        keywords=("stress", "temps", "organisation", "consignes", "attente", "minutes"),
        constats=(
            "Très stressant, le temps passe vite",
            "Organisation un peu confuse au début",
            "8 minutes par station c'est court",
            "Attente trop longue entre les stations",
            "Stress important mais formateur",
            "Consignes pas claires",
            "Trop de monde dans la salle, difficile de se concentrer",
            "Horaires qui ont changé au dernier moment",
        ),
        pistes=(),
        one_word=("Stress",),
    ),
)
DPPER_THEME_IDS: tuple[str, ...] = tuple(t.id for t in DPPER_THEMES)

#: Themes a human coder confuses with each DPPER comment theme (simulated coding slips).
DPPER_NEIGHBOUR: dict[str, tuple[str, ...]] = {
    "ecoute_patient": ("communication", "vecu_maladie"),
    "vecu_maladie": ("ecoute_patient",),
    "communication": ("ecoute_patient",),
    "realisme_scenario": ("stress_organisation",),
    "stress_organisation": ("realisme_scenario",),
}
DPPER_NOISE: tuple[str, ...] = ("RAS", "Merci", "Bien", "Très bonne séance", "Rien à ajouter", "Top")

# --------------------------------------------------------------------------- communes
#: (official name, remoteness class, population weight, spelling variants seen in exports).
#: Remoteness: 0 = bourg-centre (MSP, services), 1 = périurbain, 2 = rural isolé.
COMMUNES: tuple[tuple[str, int, float, tuple[str, ...]], ...] = (
    ("Montfort-sur-Meu", 0, 9.0, ("Montfort sur Meu", "Montfort", "MONTFORT-SUR-MEU")),
    ("Saint-Méen-le-Grand", 0, 6.5, ("St Méen", "Saint Méen le Grand", "St-Méen-le-Grand", "saint meen le grand")),
    ("Montauban-de-Bretagne", 0, 6.0, ("Montauban", "Montauban de Bretagne")),
    ("Plélan-le-Grand", 0, 5.0, ("Plelan le Grand", "Plélan")),
    ("Bréal-sous-Montfort", 1, 6.0, ("Bréal", "Breal sous Montfort")),
    ("Iffendic", 1, 4.5, ("Iffendic ", "IFFENDIC")),
    ("Bédée", 1, 4.5, ("Bedee",)),
    ("Breteil", 1, 3.5, ()),
    ("Pleumeleuc", 1, 3.0, ()),
    ("Talensac", 1, 2.5, ()),
    ("Paimpont", 2, 2.5, ("PAIMPONT", "Paimpont (forêt)")),
    ("Médréac", 2, 2.0, ("Medreac",)),
    ("Gaël", 2, 2.0, ("Gael",)),
    ("Muël", 2, 1.0, ("Muel",)),
    ("Saint-Onen-la-Chapelle", 2, 1.2, ("St Onen la Chapelle", "St-Onen")),
    ("Quédillac", 2, 1.2, ("Quedillac",)),
    ("Landujan", 2, 0.9, ()),
    ("Le Crouais", 2, 0.6, ("Crouais",)),
    ("Saint-Malon-sur-Mel", 2, 0.7, ("St Malon sur Mel",)),
    ("Treffendel", 2, 1.2, ()),
    ("Maxent", 2, 1.5, ()),
)
REMOTENESS_LABELS: tuple[str, ...] = ("bourg-centre", "périurbain", "rural isolé")

# --------------------------------------------------------------------------- names
#: Names put inside verbatims on purpose (each listed in verite_terrain/noms.txt).
#: (atelier id, theme ids, line text).
NAMED_NOTE_LINES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("A03", ("acces_medecin",), "Dr Martin part à la retraite en juin, pas de remplaçant à ce jour"),
    ("A05", ("aidants",),
     "Mme Le Bihan, aidante de son mari, témoigne qu'elle n'a pas pris de répit depuis 3 ans"),
    ("A04", ("transport_mobilite", "isolement"),
     "Mr Guillou, 87 ans, ne conduit plus et dépend de sa voisine pour tous ses RDV"),
    ("A01", (), "Contact pour le groupe de travail : nolwenn.robert@example.org"),
    ("A06", ("coordination_parcours",),
     "Joindre Sophie Le Goff (coordinatrice DAC) au 02 61 91 41 27 pour les situations complexes"),
    ("A08", ("sante_mentale",), "Jeanne, pair-aidante, propose d'animer un groupe de parole"),
    ("A07", ("sante_mentale",), "Témoignage de Mme Rouxel : son fils attend depuis 8 mois un RDV au CMP"),
    ("A02", ("information_orientation",),
     "Pierre Hamon, pharmacien, oriente beaucoup de personnes perdues dans les démarches"),
)
#: Names in open answers of the usagers questionnaire: (theme, question kind, text).
NAMED_ANSWERS: tuple[tuple[str, str, str], ...] = (
    ("acces_medecin", "constats",
     "Le Dr Lemoine ne prend plus de nouveaux patients et je n'ai plus de médecin traitant."),
    ("transport_mobilite", "constats",
     "Ma voisine Mme Briand m'emmène à mes rendez-vous mais elle vieillit aussi."),
)
#: Every person name above, as written (surname alone when a title precedes it).
VERBATIM_NAMES: tuple[str, ...] = ("Martin", "Le Bihan", "Guillou", "Sophie Le Goff", "Jeanne",
                                   "Rouxel", "Pierre Hamon", "Lemoine", "Briand")
