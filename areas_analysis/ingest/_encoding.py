"""Decode text files whose encoding nobody declared.

Exports reach us as UTF-8, UTF-8 with a BOM (Excel "CSV UTF-8"), UTF-16
(Excel "Texte Unicode"), or cp1252 (Excel "CSV (séparateur : point-virgule)"
on Windows, older LibreOffice). Detection order, each step reported:

1. a byte-order mark decides (``utf-8-sig``, ``utf-16``);
2. strict UTF-8 decoding succeeds → ``utf-8`` (UTF-8 is self-validating:
   cp1252 French text almost never decodes as UTF-8);
3. otherwise charset-normalizer proposes an encoding, and a sanity rule for
   French keeps the single-byte candidate (``cp1252``, ``latin-1``,
   ``mac_roman``, ``cp850``) whose decoded text has the fewest implausible
   characters (C1 controls, ``Ž``, box drawing...) — charset-normalizer alone
   sometimes answers ``cp1250`` or ``cp1125`` on short French files.

A declared encoding is honoured, and if it cannot decode the file the error
names the line of the first bad byte. Text decoded with a declared single-byte
encoding that looks like UTF-8 read as cp1252 (``Ã©``) is refused too.
Files are opened read-only (``"rb"``) and never written.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import InputError, Problem

__all__ = ["DecodedText", "decode_bytes", "read_text"]

_SINGLE_BYTE_CANDIDATES = ("cp1252", "latin_1", "mac_roman", "cp850")
_FRENCH_OK = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»’‘“”–—…°€ ")
_IMPLAUSIBLE = re.compile(r"[\x80-\x9f\x00-\x08\x0b\x0e-\x1fŽžŠšƒ¤¦¨¸¹²³¼½¾×÷þÞðÐ‚„†‡ˆ‰‹\u2500-\u257f]")
_MOJIBAKE = re.compile(r"Ã[\x80-\xbf©¨ª«®´¹»¼§¢ ]|Å“|â€[™œ\x9d¦“”˜]|Â[«»°  ]")

_NAMES = {"utf_8": "utf-8", "utf_8_sig": "utf-8-sig", "latin_1": "latin-1", "mac_roman": "mac-roman",
          "utf_16": "utf-16", "iso8859_15": "iso-8859-15"}


@dataclass(frozen=True)
class DecodedText:
    r"""Text of a file and how it was decoded.

    Attributes:
        text: The decoded text with line endings normalised to ``"\\n"``.
        encoding: Python codec name used (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``...).
        detected: ``True`` when the encoding was detected, ``False`` when declared.
        newline: Line endings found: ``"LF"``, ``"CRLF"``, ``"CR"``, ``"mixte"`` or ``"aucune"``.
    """

    text: str
    encoding: str
    detected: bool
    newline: str


def _newline_style(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
    if not kinds:
        return "aucune"
    return kinds[0] if len(kinds) == 1 else "mixte"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_of_offset(data: bytes, offset: int) -> int:
    head = data[:offset]
    return head.count(b"\n") + (head.count(b"\r") - head.count(b"\r\n")) + 1


def _plausibility(text: str) -> tuple[int, int]:
    """Lower is better: (implausible characters, minus French accented letters)."""
    return (len(_IMPLAUSIBLE.findall(text)), -sum(1 for c in text if c in _FRENCH_OK))


def _canonical(name: str) -> str:
    key = codecs.lookup(name).name.replace("-", "_")
    return _NAMES.get(key, key.replace("_", "-"))


def decode_bytes(data: bytes, *, file: str, encoding: str | None = None) -> DecodedText:
    """Decode bytes from a text export, detecting the encoding when not declared.

    Args:
        data: Raw bytes of the file.
        file: File name used in error messages.
        encoding: Declared encoding (``"utf-8"``, ``"cp1252"``...) or ``None`` to detect.

    Raises:
        InputError: the declared encoding cannot decode the file (line of the
            first bad byte and a probable encoding are given), or the decoded
            text shows UTF-8 read with a single-byte encoding, or nothing decodes.
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError([Problem(file, f"encodage « {encoding} » inconnu (exemples : utf-8, cp1252, "
                                            "latin-1)")]) from None
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of_offset(data, exc.start)
            guess = decode_bytes(data, file=file).encoding
            raise InputError([Problem(
                file,
                f"le fichier n'est pas encodé en {_canonical(encoding)} comme indiqué "
                f"(octet 0x{data[exc.start]:02x} illisible) ; encodage probable : {guess}. "
                "Corrigez l'encodage déclaré ou laissez-le détecter.",
                row=line,
            )]) from None
        mojibake = _MOJIBAKE.search(text)
        if mojibake and codec not in ("utf-8", "utf-8-sig"):
            line = text.count("\n", 0, mojibake.start()) + 1
            raise InputError([Problem(
                file,
                f"texte mal décodé (« {mojibake.group(0)} ») : le fichier semble encodé en utf-8 et non en "
                f"{_canonical(encoding)} comme indiqué.",
                row=line,
            )])
        return DecodedText(_normalise_newlines(text), _canonical(codec), False, _newline_style(text))

    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data.decode("utf-8-sig")
            return DecodedText(_normalise_newlines(text), "utf-8-sig", True, _newline_style(text))
        except UnicodeDecodeError:
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
            return DecodedText(_normalise_newlines(text), "utf-16", True, _newline_style(text))
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
        return DecodedText(_normalise_newlines(text), "utf-8", True, _newline_style(text))
    except UnicodeDecodeError:
        pass

    candidates: list[str] = []
    best = from_bytes(data).best()
    if best is not None:
        candidates.append(best.encoding)
    candidates += [c for c in _SINGLE_BYTE_CANDIDATES if c not in candidates]
    scored: list[tuple[tuple[int, int], int, str, str]] = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        penalty = 0 if name in _SINGLE_BYTE_CANDIDATES else 1  # sanity: prefer Western single-byte codecs
        implausible, french = _plausibility(text)
        scored.append(((implausible + penalty, french), rank, name, text))
    if not scored:
        raise InputError([Problem(file, "encodage illisible : ni utf-8, ni cp1252, ni latin-1. "
                                        "Réenregistrez le fichier en « CSV UTF-8 ».")])
    scored.sort(key=lambda s: (s[0], s[1]))
    _, _, name, text = scored[0]
    return DecodedText(_normalise_newlines(text), _canonical(name), True, _newline_style(text))


def read_text(path: str | Path, encoding: str | None = None) -> DecodedText:
    """Read a text file read-only and decode it (see :func:`decode_bytes`).

    Args:
        path: File to read; it is opened in ``"rb"`` mode and never modified.
        encoding: Declared encoding or ``None`` to detect.
    """
    path = Path(path)
    with path.open("rb") as fh:
        data = fh.read()
    return decode_bytes(data, file=str(path), encoding=encoding)
