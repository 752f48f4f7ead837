"""A camt.053 statement whose closing balance is a given amount (for the 1930 tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def camt053(closing: Decimal, day: dt.date) -> bytes:
    """A one-statement camt.053.001.02 file closing at ``closing`` on ``day``."""
    sign = "CRDT" if closing >= 0 else "DBIT"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>1</MsgId><CreDtTm>{day.isoformat()}T23:00:00</CreDtTm></GrpHdr>
  <Stmt><Id>1</Id><CreDtTm>{day.isoformat()}T23:00:00</CreDtTm>
   <Acct><Id><IBAN>SE4550000000058398257466</IBAN></Id><Ccy>SEK</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
    <Amt Ccy="SEK">{abs(closing):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>
    <Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>
  </Stmt>
 </BkToCstmrStmt>
</Document>
""".encode()
