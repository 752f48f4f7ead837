"""Issue codes, their bilingual messages, and the exception raised for unusable input.

Every problem the reader or the validator can report has a stable ``code`` (what programs
match on), a default severity, and a message template in Swedish and English (what people
read). Keeping them in one table keeps the wording consistent and the codes discoverable.
"""

from __future__ import annotations

from collections.abc import Sequence

from bokslut.sie.model import Issue, Severity

__all__ = ["CATALOGUE", "SieFormatError", "make_issue"]

_E = Severity.ERROR
_W = Severity.WARNING

#: code -> (default severity, Swedish template, English template). Templates use str.format.
CATALOGUE: dict[str, tuple[Severity, str, str]] = {
    # Fatal: the input cannot be read as SIE at all.
    "not_sie": (
        _E,
        "Filen är inte en SIE-fil: {detail}",
        "The file is not a SIE file: {detail}",
    ),
    "truncated": (
        _E,
        "Filen är avklippt: {detail}",
        "The file is truncated: {detail}",
    ),
    "checksum_mismatch": (
        _E,
        "#KSUMMA stämmer inte: filen anger {stated}, innehållet ger {computed}",
        "#KSUMMA does not match: the file states {stated}, the content gives {computed}",
    ),
    # Syntax and encoding (reader).
    "encoding_not_pc8": (
        _W,
        "Filen anger #FORMAT {claimed} men är kodad som {encoding}; den lästes som {encoding}",
        "The file claims #FORMAT {claimed} but is encoded as {encoding}; it was read as {encoding}",
    ),
    "encoding_mixed": (
        _W,
        "Ogiltiga tecken för {encoding}; de ersattes med \ufffd",
        "Invalid characters for {encoding}; they were replaced with \ufffd",
    ),
    "format_missing": (
        _W,
        "#FORMAT saknas; filen lästes som {encoding}",
        "#FORMAT is missing; the file was read as {encoding}",
    ),
    "format_unknown": (
        _W,
        "Okänt #FORMAT {claimed}; filen lästes som {encoding}",
        "Unknown #FORMAT {claimed}; the file was read as {encoding}",
    ),
    "checksum_unopened": (
        _W,
        "#KSUMMA med värde utan inledande #KSUMMA; kontrollsumman kontrollerades inte",
        "#KSUMMA with a value but no opening #KSUMMA; the checksum was not verified",
    ),
    "unknown_label": (
        _W,
        "Okänd post {label} hoppades över",
        "Unknown record {label} was skipped",
    ),
    "line_unparsed": (
        _W,
        "Raden är ingen SIE-post och hoppades över: {text}",
        "The line is not a SIE record and was skipped: {text}",
    ),
    "field_missing": (
        _E,
        "{label} saknar fältet {field}; posten hoppades över",
        "{label} lacks the field {field}; the record was skipped",
    ),
    "field_invalid": (
        _E,
        "{label}: ogiltigt värde {value!r} för {field}",
        "{label}: invalid value {value!r} for {field}",
    ),
    "amount_invalid": (
        _E,
        "{label}: {value!r} är inget belopp; posten hoppades över",
        "{label}: {value!r} is not an amount; the record was skipped",
    ),
    "date_invalid": (
        _E,
        "{label}: {value!r} är inget giltigt datum (ÅÅÅÅMMDD)",
        "{label}: {value!r} is not a valid date (YYYYMMDD)",
    ),
    "date_format": (
        _W,
        "{label}: datumet {value!r} är inte skrivet ÅÅÅÅMMDD; det tolkades som {parsed}",
        "{label}: the date {value!r} is not written YYYYMMDD; it was read as {parsed}",
    ),
    "account_missing": (
        _E,
        "{label} saknar kontonummer; posten hoppades över",
        "{label} has no account number; the record was skipped",
    ),
    "object_list_invalid": (
        _E,
        "{label}: ogiltig objektlista {value!r}",
        "{label}: invalid object list {value!r}",
    ),
    "taxar_invalid": (
        _W,
        "#TAXAR {value!r} är inget taxeringsår (ÅÅÅÅ)",
        "#TAXAR {value!r} is not a tax year (YYYY)",
    ),
    "sru_invalid": (
        _W,
        "#SRU för konto {account}: {value!r} är ingen SRU-kod",
        "#SRU for account {account}: {value!r} is not an SRU code",
    ),
    "year_invalid": (
        _E,
        "#RAR {index}: {detail}",
        "#RAR {index}: {detail_en}",
    ),
    "rtrans_twin_missing": (
        _W,
        "#RTRANS följs inte av sin identiska #TRANS; raden räknas en gång",
        "#RTRANS is not followed by its identical #TRANS; the row is counted once",
    ),
    "voucher_unclosed": (
        _E,
        "Verifikationen avslutas inte med }}",
        "The voucher is not closed with }}",
    ),
    "brace_unexpected": (
        _W,
        "{brace} utan verifikation hoppades över",
        "{brace} outside a voucher was skipped",
    ),
    "row_outside_voucher": (
        _E,
        "{label} utanför en verifikation hoppades över",
        "{label} outside a voucher was skipped",
    ),
    "voucher_date_missing": (
        _E,
        "Verifikationen saknar datum",
        "The voucher has no date",
    ),
    "voucher_series_missing": (
        _W,
        "Verifikationen saknar serie",
        "The voucher has no series",
    ),
    "voucher_number_missing": (
        _W,
        "Verifikationen i serie {series} saknar nummer",
        "The voucher in series {series} has no number",
    ),
    "object_list_missing": (
        _W,
        "{label} saknar objektlistan {{}}; raderna lästes ändå (första rad {first})",
        "{label} lacks its object list {{}}; the rows were read anyway (first line {first})",
    ),
    "fields_swapped": (
        _W,
        "{label}: konto och period står i omvänd ordning; tolkades som period {period}, "
        "konto {account} (första rad {first})",
        "{label}: account and period are in reverse order; read as period {period}, "
        "account {account} (first line {first})",
    ),
    # Semantic checks (validation).
    "voucher_number_in_4i": (
        _W,
        "Filer av typ 4I bör inte ha verifikationsnummer (första: {voucher})",
        "SIE 4I files should not carry voucher numbers (first: {voucher})",
    ),
    "voucher_unbalanced": (
        _E,
        "Verifikation {voucher} balanserar inte: differens {difference}",
        "Voucher {voucher} does not balance: difference {difference}",
    ),
    "voucher_empty": (
        _W,
        "Verifikation {voucher} saknar rader",
        "Voucher {voucher} has no rows",
    ),
    "voucher_duplicate": (
        _E,
        "Verifikationsnumret {voucher} förekommer flera gånger",
        "The voucher number {voucher} occurs more than once",
    ),
    "series_gap": (
        _W,
        "Lucka i serie {series}: nummer {first}–{last} saknas",
        "Gap in series {series}: numbers {first}–{last} are missing",
    ),
    "date_outside_year": (
        _W,
        "Verifikation {voucher} är daterad {date}, utanför räkenskapsåret {start}–{end}",
        "Voucher {voucher} is dated {date}, outside the financial year {start}–{end}",
    ),
    "account_undeclared": (
        _W,
        "Konto {account} används men saknar #KONTO",
        "Account {account} is used but has no #KONTO",
    ),
    "account_non_numeric": (
        _E,
        "Kontonumret {account!r} är inte numeriskt",
        "The account number {account!r} is not numeric",
    ),
    "account_length": (
        _W,
        "Kontonumret {account} har {digits} siffror; BAS-konton har 4",
        "The account number {account} has {digits} digits; BAS accounts have 4",
    ),
    "balance_mismatch": (
        _W,
        "Konto {account} år {year}: {expected_sv} men filen anger {stated}",
        "Account {account} year {year}: {expected_en} but the file states {stated}",
    ),
    "object_undeclared": (
        _W,
        "Objekt {object} i dimension {dimension} används men saknar #OBJEKT",
        "Object {object} in dimension {dimension} is used but has no #OBJEKT",
    ),
    "orgnr_invalid": (
        _W,
        "Organisationsnumret {value!r} är ogiltigt",
        "The organisation number {value!r} is invalid",
    ),
    "orgnr_format": (
        _W,
        "Organisationsnumret {value!r} är giltigt men bör skrivas {normal}",
        "The organisation number {value!r} is valid but should be written {normal}",
    ),
    "company_name_missing": (
        _W,
        "Företagsnamn (#FNAMN) saknas",
        "The company name (#FNAMN) is missing",
    ),
    "year_missing": (
        _W,
        "Räkenskapsår (#RAR 0) saknas; det krävs i SIE {sie_type}",
        "The financial year (#RAR 0) is missing; SIE {sie_type} requires it",
    ),
    "year_gap": (
        _W,
        "Räkenskapsår {index} slutar {end} men år {next_index} börjar {next_start}",
        "Financial year {index} ends {end} but year {next_index} starts {next_start}",
    ),
    "export_named_as_4i": (
        _W,
        "Filnamnet slutar på .si (SIE 4I, importfil) men filen anger saldon ({label}) och "
        "lästes därför som en exportfil (SIE 4E)",
        "The file name ends in .si (SIE 4I, import file) but the file states balances "
        "({label}), so it was read as an export file (SIE 4E)",
    ),
    "balance_in_4i": (
        _W,
        "{label} i en SIE 4I-fil; saldon är inte tillåtna i 4I och ignoreras vid import",
        "{label} in a SIE 4I file; balances are not allowed in 4I and are ignored on import",
    ),
    "program_missing": (
        _W,
        "#PROGRAM saknar {field_sv}",
        "#PROGRAM lacks its {field_en}",
    ),
    "address_incomplete": (
        _W,
        "#ADRESS har {count} av 4 fält (kontakt, utdelningsadress, postadress, telefon)",
        "#ADRESS has {count} of 4 fields (contact, street, postal address, phone)",
    ),
    "sie_type_missing": (
        _W,
        "#SIETYP saknas; filen antas vara SIE {assumed}",
        "#SIETYP is missing; the file is taken as SIE {assumed}",
    ),
}


def make_issue(
    code: str, line: int | None, *, severity: Severity | None = None, **params: object
) -> Issue:
    """Build the :class:`Issue` for ``code`` at ``line``, filling its message templates.

    ``severity`` overrides the catalogue's default (some codes are errors in one context and
    warnings in another). Unknown codes raise :class:`KeyError`: codes are a contract.
    """
    default, sv, en = CATALOGUE[code]
    return Issue(
        severity=severity or default,
        code=code,
        line=line,
        message_sv=sv.format(**params),
        message_en=en.format(**params),
    )


class SieFormatError(Exception):
    """The input is not usable SIE (always) or has an error (strict mode).

    ``issues`` holds every issue found up to the failure; the last one is the cause.
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        cause = self.issues[-1] if self.issues else None
        super().__init__(str(cause) if cause else "SIE format error")

    @property
    def issue(self) -> Issue | None:
        """The issue that stopped reading."""
        return self.issues[-1] if self.issues else None
