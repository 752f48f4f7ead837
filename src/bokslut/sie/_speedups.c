/* Optional accelerator for bokslut.sie.reader: whole vouchers read in C.
 *
 * scan_lines() walks the lines of one decoded chunk and replaces every voucher written in
 * the commonest shape
 *
 *     #VER series number date ["text"] [regdate] [sign]
 *     {
 *     #TRANS account {objects} amount [date ["text"]]      (zero or more)
 *     }
 *
 * by the finished Voucher object; every other line is passed through untouched for the
 * reader's Python code. The C side is deliberately narrow: it accepts only lines whose
 * meaning it is sure of (the same result as the reader's fast paths, no issue possible),
 * and on anything else it gives up on the whole voucher, so the Python reader reads it,
 * reports what is wrong and fills its caches. Giving up is always correct; accepting is
 * correct only for the grammar below, which is why the grammar is strict.
 *
 * Records are built the way the reader's Python builders do it: a frozen slotted dataclass
 * is allocated and its slots filled directly (offsets taken from the class's own member
 * descriptors at configure() time), skipping the dataclass __init__'s per-field
 * object.__setattr__ calls, which cost more than all the parsing.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <datetime.h>

#define ROW_SLOTS 9
#define VOUCHER_SLOTS 8
#define MAX_VER_FIELDS 16

/* Set once by configure(); the reader calls it at import time. */
static PyTypeObject *row_type = NULL;
static PyTypeObject *voucher_type = NULL;
static Py_ssize_t row_offsets[ROW_SLOTS];
static Py_ssize_t voucher_offsets[VOUCHER_SLOTS];
static PyObject *normal_kind = NULL;
static PyObject *decimal_type = NULL;

/* One line of text with direct access to its code points. */
typedef struct {
    PyObject *str;
    int kind;
    const void *data;
    Py_ssize_t len;
} Line;

typedef struct {
    Py_ssize_t start;
    Py_ssize_t end;
} Span;

/* What a scan needs besides the lines: the reader's caches, shared so that both paths
 * fill and use the same ones. */
typedef struct {
    PyObject *date_cache; /* dict: "YYYYMMDD" -> date */
    PyObject *refs_cache; /* dict: object-list text -> tuple of (dim, code) */
    Py_ssize_t refs_limit;
} Caches;

/* Result of a parse step: the object, "not mine" (the Python path reads it), or error. */
enum { BAIL = 0, OK = 1, FAIL = -1 };

static inline void
line_init(Line *line, PyObject *str)
{
    line->str = str;
    line->kind = PyUnicode_KIND(str);
    line->data = PyUnicode_DATA(str);
    line->len = PyUnicode_GET_LENGTH(str);
}

static inline Py_UCS4
at(const Line *line, Py_ssize_t i)
{
    return PyUnicode_READ(line->kind, line->data, i);
}

static inline int
is_sep(Py_UCS4 c)
{
    return c == ' ' || c == '\t';
}

/* Whitespace to str.split() that is not a plain separator here (\r, \x0b, \x1c, NBSP…):
 * lines holding it outside quotes are left to the Python path. */
static inline int
is_other_space(Py_UCS4 c)
{
    return !is_sep(c) && Py_UNICODE_ISSPACE(c);
}

static inline int
is_digit(Py_UCS4 c)
{
    return c >= '0' && c <= '9';
}

static int
starts_with(const Line *line, const char *prefix)
{
    Py_ssize_t i = 0;
    for (; prefix[i]; i++) {
        if (i >= line->len || at(line, i) != (Py_UCS4)(unsigned char)prefix[i]) {
            return 0;
        }
    }
    return 1;
}

static inline int
is_exactly(const Line *line, Py_UCS4 c)
{
    return line->len == 1 && at(line, 0) == c;
}

static Py_ssize_t
skip_seps(const Line *line, Py_ssize_t p, Py_ssize_t end)
{
    while (p < end && is_sep(at(line, p))) {
        p++;
    }
    return p;
}

/* A YYYYMMDD date (new reference) from the reader's cache, or made and cached as the
 * reader's _date does. BAIL when the text is not eight ASCII digits or not a real day: the
 * Python path reports it. (Dates are cached here too because a whole chunk is scanned
 * before the Python path sees any of it, and new dates come chunk after chunk.) */
static int
cached_date(const Line *line, Span span, const Caches *caches, PyObject **out)
{
    if (span.end - span.start != 8) {
        return BAIL;
    }
    int digits[8];
    for (Py_ssize_t i = 0; i < 8; i++) {
        Py_UCS4 c = at(line, span.start + i);
        if (!is_digit(c)) {
            return BAIL;
        }
        digits[i] = (int)(c - '0');
    }
    PyObject *key = PyUnicode_Substring(line->str, span.start, span.end);
    if (key == NULL) {
        return FAIL;
    }
    PyObject *value = PyDict_GetItemWithError(caches->date_cache, key);
    if (value != NULL) {
        Py_DECREF(key);
        *out = Py_NewRef(value);
        return OK;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return FAIL;
    }
    int year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
    int month = digits[4] * 10 + digits[5];
    int day = digits[6] * 10 + digits[7];
    value = PyDate_FromDate(year, month, day);
    if (value == NULL) {
        Py_DECREF(key);
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear(); /* not a day: date_invalid, the Python path's to report */
            return BAIL;
        }
        return FAIL;
    }
    int stored = PyDict_SetItem(caches->date_cache, key, value);
    Py_DECREF(key);
    if (stored < 0) {
        Py_DECREF(value);
        return FAIL;
    }
    *out = value;
    return OK;
}

/* Stop the cycle collector from visiting a record it could never free. The records and
 * tuples made here hold only strings, numbers, dates, None, the RowKind member and other
 * such records, so they cannot be part of a cycle; left tracked, the thousands of them a
 * chunk makes (all alive until the reader yields them) made the collector run over and
 * over, which cost more than the parsing itself. Reference counting still frees them. */
static inline PyObject *
untracked(PyObject *obj)
{
    if (obj != NULL && PyObject_IS_GC(obj)) {
        PyObject_GC_UnTrack(obj);
    }
    return obj;
}

/* Allocate an instance of a slotted record class and move `values` (stolen) into its
 * slots. On failure the values are released. */
static PyObject *
new_record(PyTypeObject *type, const Py_ssize_t *offsets, PyObject **values, int count)
{
    PyObject *obj = type->tp_alloc(type, 0);
    if (obj == NULL) {
        for (int i = 0; i < count; i++) {
            Py_DECREF(values[i]);
        }
        return NULL;
    }
    for (int i = 0; i < count; i++) {
        *(PyObject **)((char *)obj + offsets[i]) = values[i];
    }
    return untracked(obj);
}

/* --- #VER ----------------------------------------------------------------------------- */

typedef struct {
    PyObject *series, *number, *date, *text, *registered, *signature;
} Head;

static void
head_clear(Head *head)
{
    Py_CLEAR(head->series);
    Py_CLEAR(head->number);
    Py_CLEAR(head->date);
    Py_CLEAR(head->text);
    Py_CLEAR(head->registered);
    Py_CLEAR(head->signature);
}

/* Fields of a #VER line with no brace: runs of non-blanks, and quoted texts in which \"
 * stands for a quote. The same fields as the reader's tokenizers give (its fast path
 * splits lines without backslashes, its general path reads escapes; they agree here). */
static int
split_ver(const Line *line, Span *fields, int *escaped, int *count)
{
    int n = 0;
    Py_ssize_t p = 0;
    while (p < line->len) {
        Py_UCS4 c = at(line, p);
        if (is_sep(c)) {
            p++;
            continue;
        }
        if (n == MAX_VER_FIELDS) {
            return BAIL;
        }
        escaped[n] = 0;
        if (c == '"') {
            Py_ssize_t q = p + 1;
            while (q < line->len) {
                c = at(line, q);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && q + 1 < line->len && at(line, q + 1) == '"') {
                    escaped[n] = 1;
                    q++;
                }
                q++;
            }
            if (q >= line->len) {
                return BAIL; /* unterminated quote */
            }
            fields[n].start = p + 1;
            fields[n].end = q;
            n++;
            p = q + 1;
            continue;
        }
        Py_ssize_t start = p;
        while (p < line->len) {
            c = at(line, p);
            if (is_sep(c) || c == '"') {
                break;
            }
            if (is_other_space(c)) {
                return BAIL;
            }
            p++;
        }
        fields[n].start = start;
        fields[n].end = p;
        n++;
    }
    *count = n;
    return OK;
}

/* The text of a field, with \" read as a quote where the field has one. */
static PyObject *
field_text(const Line *line, Span span, int escaped)
{
    PyObject *text = PyUnicode_Substring(line->str, span.start, span.end);
    if (text == NULL || !escaped) {
        return text;
    }
    static PyObject *escape = NULL, *quote = NULL;
    if (escape == NULL) {
        escape = PyUnicode_FromString("\\\"");
        quote = PyUnicode_FromString("\"");
        if (escape == NULL || quote == NULL) {
            Py_CLEAR(escape);
            Py_CLEAR(quote);
            Py_DECREF(text);
            return NULL;
        }
    }
    Py_SETREF(text, PyUnicode_Replace(text, escape, quote, -1));
    return text;
}

static int
parse_ver(const Line *line, const Caches *caches, Head *head)
{
    for (Py_ssize_t i = 0; i < line->len; i++) {
        Py_UCS4 c = at(line, i);
        if (c == '{' || c == '}') {
            return BAIL;
        }
    }
    Span fields[MAX_VER_FIELDS];
    int escaped[MAX_VER_FIELDS];
    int n = 0;
    int status = split_ver(line, fields, escaped, &n);
    if (status != OK) {
        return status;
    }
    if (n < 4) {
        return BAIL;
    }
    /* The date where it belongs, 19xx or 20xx: anything else is _ver's to judge. */
    Span when = fields[3];
    if (when.end - when.start != 8) {
        return BAIL;
    }
    Py_UCS4 c0 = at(line, when.start), c1 = at(line, when.start + 1);
    if (!((c0 == '1' && c1 == '9') || (c0 == '2' && c1 == '0'))) {
        return BAIL;
    }
    status = cached_date(line, when, caches, &head->date);
    if (status != OK) {
        return status;
    }
    if (n > 5 && fields[5].end > fields[5].start) {
        status = cached_date(line, fields[5], caches, &head->registered);
        if (status != OK) {
            return status;
        }
    }
    else {
        head->registered = Py_NewRef(Py_None);
    }
    head->series = field_text(line, fields[1], escaped[1]);
    head->number = field_text(line, fields[2], escaped[2]);
    if (n > 4) {
        head->text = field_text(line, fields[4], escaped[4]);
    }
    else {
        head->text = PyUnicode_New(0, 0);
    }
    if (n > 6 && fields[6].end > fields[6].start) {
        head->signature = field_text(line, fields[6], escaped[6]);
    }
    else {
        head->signature = Py_NewRef(Py_None);
    }
    if (!head->series || !head->number || !head->text || !head->signature) {
        return FAIL;
    }
    return OK;
}

/* --- #TRANS ----------------------------------------------------------------------------- */

/* The object list between the braces: `dim code` pairs, the dimension bare digits, the code
 * bare or quoted. The tuple of (int, str) pairs, as the reader's _plain_objects makes it. */
static int
parse_objects(const Line *line, Py_ssize_t p, Py_ssize_t end, PyObject **out)
{
    PyObject *pairs = PyList_New(0);
    if (pairs == NULL) {
        return FAIL;
    }
    int status = BAIL;
    for (;;) {
        p = skip_seps(line, p, end);
        if (p == end) {
            break;
        }
        /* The dimension: 1–9 ASCII digits, then a separator. */
        long dim = 0;
        Py_ssize_t start = p;
        while (p < end && is_digit(at(line, p))) {
            dim = dim * 10 + (long)(at(line, p) - '0');
            p++;
        }
        if (p == start || p - start > 9 || p == end || !is_sep(at(line, p))) {
            goto done;
        }
        p = skip_seps(line, p, end);
        if (p == end) {
            goto done; /* a dimension without its object */
        }
        Py_ssize_t code_start, code_end;
        if (at(line, p) == '"') {
            code_start = p + 1;
            code_end = code_start;
            while (code_end < end && at(line, code_end) != '"') {
                code_end++;
            }
            if (code_end == end) {
                goto done;
            }
            p = code_end + 1;
        }
        else {
            code_start = p;
            while (p < end) {
                Py_UCS4 c = at(line, p);
                if (is_sep(c)) {
                    break;
                }
                if (c == '"' || is_other_space(c)) {
                    goto done;
                }
                p++;
            }
            code_end = p;
        }
        if (p < end && !is_sep(at(line, p))) {
            goto done; /* a quoted code glued to the next token */
        }
        PyObject *number = PyLong_FromLong(dim);
        PyObject *code = PyUnicode_Substring(line->str, code_start, code_end);
        PyObject *pair = (number && code) ? untracked(PyTuple_Pack(2, number, code)) : NULL;
        Py_XDECREF(number);
        Py_XDECREF(code);
        if (pair == NULL || PyList_Append(pairs, pair) < 0) {
            Py_XDECREF(pair);
            status = FAIL;
            goto done;
        }
        Py_DECREF(pair);
    }
    *out = untracked(PyList_AsTuple(pairs));
    status = *out ? OK : FAIL;
done:
    Py_DECREF(pairs);
    return status;
}

/* The refs of `{inner}`: () when blank, else from the reader's cache, else parsed and
 * cached (the cache starts over at its limit, as the reader's does). */
static int
object_refs(const Line *line, Py_ssize_t start, Py_ssize_t end, const Caches *caches,
            PyObject **out)
{
    int blank = 1;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = at(line, i);
        if (c == '{' || c == '\\') {
            return BAIL;
        }
        if (!is_sep(c)) {
            blank = 0;
        }
    }
    if (blank) {
        *out = PyTuple_New(0);
        return *out ? OK : FAIL;
    }
    PyObject *key = PyUnicode_Substring(line->str, start, end);
    if (key == NULL) {
        return FAIL;
    }
    PyObject *refs = PyDict_GetItemWithError(caches->refs_cache, key);
    if (refs != NULL) {
        Py_DECREF(key);
        *out = Py_NewRef(refs);
        return OK;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(key);
        return FAIL;
    }
    int status = parse_objects(line, start, end, &refs);
    if (status == OK) {
        if (PyDict_GET_SIZE(caches->refs_cache) >= caches->refs_limit) {
            PyDict_Clear(caches->refs_cache);
        }
        if (PyDict_SetItem(caches->refs_cache, key, refs) < 0) {
            Py_DECREF(refs);
            status = FAIL;
        }
        else {
            *out = refs;
        }
    }
    Py_DECREF(key);
    return status;
}

/* An exact amount: -?digits[.digits], read by decimal.Decimal; "-0.00" is read as "0.00"
 * (the reader drops the sign of a zero). */
static int
parse_amount(const Line *line, Py_ssize_t *pos, PyObject **out)
{
    Py_ssize_t p = *pos, start = p;
    int negative = 0, nonzero = 0;
    if (p < line->len && at(line, p) == '-') {
        negative = 1;
        p++;
    }
    Py_ssize_t digits = p;
    while (p < line->len && is_digit(at(line, p))) {
        nonzero |= at(line, p) != '0';
        p++;
    }
    if (p == digits) {
        return BAIL;
    }
    if (p < line->len && at(line, p) == '.') {
        Py_ssize_t fraction = ++p;
        while (p < line->len && is_digit(at(line, p))) {
            nonzero |= at(line, p) != '0';
            p++;
        }
        if (p == fraction) {
            return BAIL;
        }
    }
    if (p < line->len && !is_sep(at(line, p))) {
        return BAIL; /* "1e3", "12,50", an amount glued to a quote…: the Python path */
    }
    if (negative && !nonzero) {
        start++;
    }
    PyObject *text = PyUnicode_Substring(line->str, start, p);
    if (text == NULL) {
        return FAIL;
    }
    *out = PyObject_CallOneArg(decimal_type, text);
    Py_DECREF(text);
    if (*out == NULL) {
        return FAIL;
    }
    *pos = p;
    return OK;
}

/* `#TRANS account {objects} amount [date ["text"]]`, the reader's fast-path shapes. */
static int
parse_trans(const Line *line, Py_ssize_t lineno, const Caches *caches, PyObject **out)
{
    PyObject *account = NULL, *refs = NULL, *amount = NULL, *when = NULL, *text = NULL;
    int status = BAIL;
    Py_ssize_t p = skip_seps(line, 7, line->len);
    Py_ssize_t account_start = p;
    while (p < line->len && is_digit(at(line, p))) {
        p++;
    }
    Py_ssize_t account_end = p;
    if (account_end == account_start) {
        goto done;
    }
    p = skip_seps(line, p, line->len);
    if (p == line->len || at(line, p) != '{') {
        goto done;
    }
    Py_ssize_t inner = ++p;
    while (p < line->len && at(line, p) != '}') {
        p++;
    }
    if (p == line->len) {
        goto done;
    }
    Py_ssize_t close = p++;
    for (Py_ssize_t i = p; i < line->len; i++) {
        Py_UCS4 c = at(line, i);
        if (c == '{' || c == '}' || c == '\\') {
            goto done;
        }
    }
    p = skip_seps(line, p, line->len);
    if ((status = parse_amount(line, &p, &amount)) != OK) {
        goto done;
    }
    status = BAIL;
    p = skip_seps(line, p, line->len);
    if (p < line->len) {
        /* A date, then possibly the text in quotes and nothing after it. */
        Py_ssize_t date_start = p;
        while (p < line->len && !is_sep(at(line, p)) && at(line, p) != '"') {
            p++;
        }
        Span span = {date_start, p};
        if ((status = cached_date(line, span, caches, &when)) != OK) {
            goto done;
        }
        status = BAIL;
        p = skip_seps(line, p, line->len);
        if (p < line->len) {
            if (at(line, p) != '"') {
                goto done;
            }
            Py_ssize_t text_start = ++p;
            while (p < line->len && at(line, p) != '"') {
                p++;
            }
            if (p == line->len) {
                goto done;
            }
            Py_ssize_t text_end = p++;
            if (skip_seps(line, p, line->len) != line->len) {
                goto done;
            }
            if (text_end > text_start) {
                text = PyUnicode_Substring(line->str, text_start, text_end);
                if (text == NULL) {
                    status = FAIL;
                    goto done;
                }
            }
        }
    }
    if ((status = object_refs(line, inner, close, caches, &refs)) != OK) {
        goto done;
    }
    account = PyUnicode_Substring(line->str, account_start, account_end);
    PyObject *number = PyLong_FromSsize_t(lineno);
    if (account == NULL || number == NULL) {
        Py_XDECREF(number);
        status = FAIL;
        goto done;
    }
    PyObject *values[ROW_SLOTS] = {
        Py_NewRef(normal_kind),
        account,
        amount,
        refs,
        when ? when : Py_NewRef(Py_None),
        text ? text : Py_NewRef(Py_None),
        Py_NewRef(Py_None),
        Py_NewRef(Py_None),
        number,
    };
    *out = new_record(row_type, row_offsets, values, ROW_SLOTS);
    return *out ? OK : FAIL;
done:
    Py_XDECREF(account);
    Py_XDECREF(refs);
    Py_XDECREF(amount);
    Py_XDECREF(when);
    Py_XDECREF(text);
    return status;
}

/* --- vouchers --------------------------------------------------------------------------- */

/* The voucher whose #VER is lines[first]; *last is set to the index of its "}". */
static int
parse_voucher(PyObject *lines, Py_ssize_t first, Py_ssize_t first_lineno,
              const Caches *caches, PyObject **out, Py_ssize_t *last)
{
    Py_ssize_t count = PyList_GET_SIZE(lines);
    Line line;
    line_init(&line, PyList_GET_ITEM(lines, first));
    Head head = {NULL, NULL, NULL, NULL, NULL, NULL};
    PyObject *rows = NULL;
    int status = parse_ver(&line, caches, &head);
    if (status != OK) {
        goto done;
    }
    status = BAIL;
    if (first + 1 >= count) {
        goto done;
    }
    line_init(&line, PyList_GET_ITEM(lines, first + 1));
    if (!is_exactly(&line, '{')) {
        goto done;
    }
    rows = PyList_New(0);
    if (rows == NULL) {
        status = FAIL;
        goto done;
    }
    Py_ssize_t i = first + 2;
    for (;; i++) {
        if (i >= count) {
            goto done; /* the voucher goes on in the next chunk */
        }
        line_init(&line, PyList_GET_ITEM(lines, i));
        if (is_exactly(&line, '}')) {
            break;
        }
        if (!starts_with(&line, "#TRANS ")) {
            goto done;
        }
        PyObject *row = NULL;
        status = parse_trans(&line, first_lineno + i, caches, &row);
        if (status != OK) {
            goto done;
        }
        status = PyList_Append(rows, row) < 0 ? FAIL : BAIL;
        Py_DECREF(row);
        if (status == FAIL) {
            goto done;
        }
    }
    PyObject *row_tuple = untracked(PyList_AsTuple(rows));
    PyObject *number = PyLong_FromSsize_t(first_lineno + first);
    if (row_tuple == NULL || number == NULL) {
        Py_XDECREF(row_tuple);
        Py_XDECREF(number);
        status = FAIL;
        goto done;
    }
    /* Slot order: series, number, date, text, rows, registered, signature, line. */
    PyObject *values[VOUCHER_SLOTS] = {
        head.series, head.number,    head.date,      head.text,
        row_tuple,   head.registered, head.signature, number,
    };
    head = (Head){NULL, NULL, NULL, NULL, NULL, NULL}; /* moved into the voucher */
    *out = new_record(voucher_type, voucher_offsets, values, VOUCHER_SLOTS);
    status = *out ? OK : FAIL;
    *last = i;
done:
    head_clear(&head);
    Py_XDECREF(rows);
    return status;
}

/* Does the stripped line start with `label`? Generous on purpose: a false "yes" only
 * costs speed. */
static int
label_is(const Line *line, const char *label)
{
    Py_ssize_t p = 0;
    while (p < line->len && Py_UNICODE_ISSPACE(at(line, p))) {
        p++;
    }
    for (Py_ssize_t i = 0; label[i]; i++, p++) {
        if (p >= line->len || at(line, p) != (Py_UCS4)(unsigned char)label[i]) {
            return 0;
        }
    }
    return 1;
}

PyDoc_STRVAR(scan_lines_doc,
"scan_lines(lines, clean, first_lineno, date_cache, refs_cache, refs_limit, /)\n"
"--\n\n"
"The lines of one chunk with every voucher of the common shape replaced by its Voucher.\n\n"
"``clean`` says the reader is outside any voucher (and any #KSUMMA region) at the first\n"
"line; ``first_lineno`` is that line's number. Other lines are returned as they are, and\n"
"all lines from a #KSUMMA record on (its checksum covers the text of every line).");

static PyObject *
scan_lines(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (row_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "scan_lines() takes exactly 6 arguments");
        return NULL;
    }
    PyObject *lines = args[0];
    int clean = PyObject_IsTrue(args[1]);
    Py_ssize_t first_lineno = PyLong_AsSsize_t(args[2]);
    Caches caches = {args[3], args[4], PyLong_AsSsize_t(args[5])};
    if (clean < 0 || PyErr_Occurred()) {
        return NULL;
    }
    if (!PyList_CheckExact(lines) || !PyDict_CheckExact(caches.date_cache) ||
        !PyDict_CheckExact(caches.refs_cache)) {
        PyErr_SetString(PyExc_TypeError, "scan_lines() expects a list and two dicts");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(lines);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item = PyList_GET_ITEM(lines, i);
        if (!PyUnicode_CheckExact(item)) {
            PyErr_SetString(PyExc_TypeError, "scan_lines() expects a list of str");
            goto error;
        }
        Line line;
        line_init(&line, item);
        if (clean && starts_with(&line, "#VER ")) {
            PyObject *voucher = NULL;
            Py_ssize_t last = i;
            int status = parse_voucher(lines, i, first_lineno, &caches, &voucher, &last);
            if (status == FAIL) {
                goto error;
            }
            if (status == OK) {
                int appended = PyList_Append(out, voucher);
                Py_DECREF(voucher);
                if (appended < 0) {
                    goto error;
                }
                i = last;
                continue;
            }
        }
        if (PyList_Append(out, item) < 0) {
            goto error;
        }
        if (label_is(&line, "#KSUMMA")) {
            /* A checksum region may open here: the rest of the chunk is the Python path's. */
            for (i++; i < count; i++) {
                if (PyList_Append(out, PyList_GET_ITEM(lines, i)) < 0) {
                    goto error;
                }
            }
            break;
        }
        if (clean) {
            clean = !label_is(&line, "#VER");
        }
        else {
            /* A bare "}" ends whatever voucher the Python path was reading. */
            clean = is_exactly(&line, '}');
        }
    }
    return out;
error:
    Py_DECREF(out);
    return NULL;
}

/* --- set-up ------------------------------------------------------------------------------ */

/* Offsets of the named slots of `type`, checked to be plain writable object slots. */
static int
slot_offsets(PyTypeObject *type, PyObject *names, Py_ssize_t *offsets, Py_ssize_t count)
{
    if (!PyType_Check(type) || !PyTuple_Check(names) || PyTuple_GET_SIZE(names) != count) {
        PyErr_SetString(PyExc_TypeError, "configure(): a class and its slot names expected");
        return -1;
    }
    if (type->tp_itemsize != 0 || type->tp_dictoffset != 0) {
        PyErr_SetString(PyExc_TypeError, "configure(): the class must have fixed slots only");
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *descr = PyObject_GetAttr((PyObject *)type, PyTuple_GET_ITEM(names, i));
        if (descr == NULL) {
            return -1;
        }
        int ok = Py_IS_TYPE(descr, &PyMemberDescr_Type) &&
                 ((PyDescrObject *)descr)->d_type == type;
        if (ok) {
            PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
            ok = member->type == T_OBJECT_EX && !(member->flags & READONLY);
            offsets[i] = member->offset;
        }
        Py_DECREF(descr);
        if (!ok) {
            PyErr_SetString(PyExc_TypeError, "configure(): not a plain slot of the class");
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(configure_doc,
"configure(row_type, row_slots, voucher_type, voucher_slots, normal_kind, decimal, /)\n"
"--\n\n"
"Tell the accelerator the record classes (slot names in the order of the reader's\n"
"builders), the RowKind of #TRANS rows and the Decimal class.");

static PyObject *
configure(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "configure() takes exactly 6 arguments");
        return NULL;
    }
    PyTypeObject *rows = (PyTypeObject *)args[0];
    PyTypeObject *vouchers = (PyTypeObject *)args[2];
    if (slot_offsets(rows, args[1], row_offsets, ROW_SLOTS) < 0 ||
        slot_offsets(vouchers, args[3], voucher_offsets, VOUCHER_SLOTS) < 0) {
        return NULL;
    }
    Py_XSETREF(row_type, (PyTypeObject *)Py_NewRef(rows));
    Py_XSETREF(voucher_type, (PyTypeObject *)Py_NewRef(vouchers));
    Py_XSETREF(normal_kind, Py_NewRef(args[4]));
    Py_XSETREF(decimal_type, Py_NewRef(args[5]));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure, METH_FASTCALL, configure_doc},
    {"scan_lines", (PyCFunction)(void (*)(void))scan_lines, METH_FASTCALL, scan_lines_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "bokslut.sie._speedups",
    "Optional C accelerator for the SIE reader (see bokslut.sie.reader).",
    -1,
    methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    return PyModule_Create(&module_def);
}
