"""Spanish names for generated places, committees and projects: plausible, never real claims.

Names are drawn from word lists with the demo's random generator, so the same seed
gives the same names.
"""

from __future__ import annotations

import numpy as np

PARISH_NAMES = (
    "San José", "Santa Rosa", "La Candelaria", "El Carmen", "San Juan", "Santa Teresa", "Catedral",
    "San Pedro", "San Rafael", "Santa Ana", "La Concepción", "San Antonio", "San Isidro", "El Valle",
    "San Bernardino", "Santa Bárbara", "San Miguel", "Guadalupe", "La Paz", "San Francisco",
    "Bolívar", "Sucre", "Urdaneta", "Ribas", "Miranda", "Páez", "Piar", "Zamora", "Bermúdez",
    "Mariño", "Rafael Urdaneta", "Simón Rodríguez", "Negro Primero", "Guaicaipuro", "Manuel Piar",
    "Cacique Mara", "Juana Ramírez", "Luisa Cáceres", "Andrés Bello", "Cecilio Acosta", "El Socorro",
    "La Vega", "Caricuao", "El Recreo", "Las Mercedes", "Santa Lucía", "Santa Inés", "Altagracia",
    "Chiquinquirá", "Coquivacoa", "Cristo de Aranza", "Idelfonso Vásquez", "Juana de Ávila", "Olegario Villalobos",
)

COMMUNE_WORDS_A = (
    "Tierra de Gracia", "Renacer", "Nuevo Amanecer", "Sembrando Futuro", "Guerreros", "Unión y Fuerza",
    "Los Libertadores", "Brisas del Sur", "Corazón de la Patria", "Raíces", "Semillero", "Alba",
    "Camino Real", "Manos Unidas", "Vencedores", "Cimarrones", "Luz y Vida", "Horizonte", "Caciques",
    "Tejiendo Patria", "Poder Popular", "Agua Viva", "Frutos del Valle", "Cerro Arriba", "Llano Adentro",
)
COMMUNE_WORDS_B = (
    "del Sur", "del Norte", "de la Montaña", "del Llano", "del Río", "de la Costa", "del Valle",
    "de Oriente", "de Occidente", "Productiva", "Socialista", "Agroecológica", "Bolivariana", "Ancestral",
    "Indígena", "Urbana", "Turística", "Pesquera", "Cafetalera", "Cacaotera", "", "", "", "",
)

COUNCIL_PREFIXES = (
    "Barrio", "Sector", "Urbanización", "Caserío", "Calle", "Vereda", "Bloque", "Callejón", "Parcelamiento",
    "Comunidad", "Asentamiento", "Brisas de", "Altos de", "Valle de", "Los Cerritos de",
)
COUNCIL_WORDS = (
    "El Paraíso", "La Esperanza", "Las Flores", "El Progreso", "Los Mangos", "La Ceiba", "El Samán",
    "Los Cedros", "La Pradera", "El Cují", "Las Palmas", "Los Apamates", "El Bucare", "La Trinidad",
    "Los Jabillos", "El Araguaney", "La Cañada", "El Manantial", "Los Naranjos", "La Fila",
    "El Cardonal", "Las Acacias", "Los Pinos", "La Vaquera", "El Guamo", "La Quebrada", "El Rosario",
    "Monte Sano", "Pueblo Nuevo", "Las Casitas", "El Tamarindo", "La Lucha", "24 de Julio", "5 de Julio",
    "19 de Abril", "Unidad Bolivariana", "Santa Cruz", "Los Robles", "Las Brisas", "El Morichal",
    "Guayabal", "Mata de Coco", "La Arenosa", "El Chaparral", "Los Caobos", "Cañaveral", "El Indio",
    "Las Tunitas", "La Bombilla", "El Limón",
)

PROJECT_TEMPLATES = {
    "water": ("Rehabilitación de la red de aguas blancas", "Construcción de tanque de almacenamiento de agua",
              "Perforación de pozo profundo", "Sustitución de tuberías de aducción"),
    "electricity": ("Sustitución de transformadores", "Alumbrado público con luminarias LED",
                    "Rehabilitación del tendido eléctrico"),
    "gas": ("Instalación de red de gas doméstico", "Centro de distribución de gas comunal"),
    "roads": ("Asfaltado de vialidad principal", "Construcción de brocal y cunetas", "Rehabilitación de puente peatonal",
              "Construcción de escaleras y caminerías"),
    "health": ("Rehabilitación del consultorio popular", "Dotación del Centro de Diagnóstico Integral",
               "Equipamiento de ambulatorio rural"),
    "education": ("Rehabilitación de escuela bolivariana", "Dotación de comedor escolar", "Construcción de aulas del liceo"),
    "housing": ("Sustitución de ranchos por viviendas", "Rehabilitación de fachadas y techos", "Construcción de viviendas unifamiliares"),
    "food": ("Unidad de producción agrícola comunal", "Panadería comunal", "Granja avícola comunal", "Casa de alimentación"),
    "telecom": ("Instalación de radiobases y fibra óptica", "Infocentro comunal con conectividad"),
    "culture_sport": ("Rehabilitación de cancha deportiva", "Construcción de casa comunal", "Rehabilitación de plaza"),
    "security": ("Módulo de seguridad ciudadana", "Iluminación de espacios públicos para la seguridad"),
    "transport": ("Adquisición de unidades de transporte comunal", "Construcción de parada techada"),
    "waste": ("Centro de acopio de desechos sólidos", "Adquisición de compactador de basura"),
}


def pick(rng: np.random.Generator, words: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), n)]


def parish_names(rng: np.random.Generator, capital: str, n: int) -> list[str]:
    """Names of the parishes of one municipality: the first is named after its capital, the rest distinct."""
    others = [w for w in PARISH_NAMES if w != capital]
    chosen = rng.choice(len(others), size=min(n - 1, len(others)), replace=False) if n > 1 else []
    names = [capital] + [others[i] for i in chosen]
    while len(names) < n:
        names.append(f"{others[len(names) % len(others)]} {len(names) + 1}")
    return names


def commune_names(rng: np.random.Generator, n: int) -> list[str]:
    a, b = pick(rng, COMMUNE_WORDS_A, n), pick(rng, COMMUNE_WORDS_B, n)
    return [f"Comuna {x} {y}".strip() for x, y in zip(a, b)]


def council_names(rng: np.random.Generator, n: int) -> list[str]:
    a, b = pick(rng, COUNCIL_PREFIXES, n), pick(rng, COUNCIL_WORDS, n)
    return [f"CC {x} {y}" for x, y in zip(a, b)]
