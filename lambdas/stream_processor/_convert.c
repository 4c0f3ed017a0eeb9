/*
 * DynamoDB typed JSON -> plain Python objects: the hot path of convert.item in C.
 *
 * convert.py stays the reference. This module converts the common, well-formed shapes itself (S, N, M, L,
 * BOOL, NULL, plus B values that are certainly valid base64 and SS lists of strings) and hands everything else
 * -- other sets, unknown kinds, wrong inner types, malformed attribute values, unusual numbers -- to the Python
 * functions registered with configure(), so results and error messages are the Python ones by construction:
 *
 *   value(attribute)      an exact dict attribute that is not a fast case (convert.value)
 *   attribute(attribute)  a map's attribute that is not an exact dict (convert._attribute: item's loop body)
 *   element(attribute)    a list's element that is not an exact dict (convert._element: _list's loop body)
 *   number(text)          an N string outside the fast shapes (convert.number)
 *   fragment(text)        orjson.Fragment
 *   item(obj)             the pure convert item, called for a non-dict top-level argument (it raises)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

/* Hard cap on nested maps and lists, on top of the interpreter's recursion limit (Py_EnterRecursiveCall), so a
   raised sys.setrecursionlimit cannot let hostile nesting overflow the C stack: each level takes ~250 bytes of
   stack, so 2000 levels stay near 0.5 MB. DynamoDB allows 32 levels and orjson serialises at most 254. */
#define MAX_DEPTH 2000

static PyObject *value_fn = NULL;
static PyObject *attribute_fn = NULL;
static PyObject *element_fn = NULL;
static PyObject *number_fn = NULL;
static PyObject *fragment_type = NULL;
static PyObject *item_fn = NULL;

static PyObject *convert_map(PyObject *attributes, int depth);
static PyObject *convert_list(PyObject *values, int depth);

enum kind { K_OTHER, K_S, K_N, K_M, K_L, K_BOOL, K_NULL, K_B, K_SS };

/* The attribute kind of an exact str key; K_OTHER for anything the fast path does not handle. */
static enum kind
kind_of(PyObject *key)
{
    if (!PyUnicode_CheckExact(key) || !PyUnicode_IS_ASCII(key)) {
        return K_OTHER;
    }
    const char *s = (const char *)PyUnicode_DATA(key);
    switch (PyUnicode_GET_LENGTH(key)) {
    case 1:
        if (s[0] == 'S') {
            return K_S;
        }
        if (s[0] == 'N') {
            return K_N;
        }
        if (s[0] == 'M') {
            return K_M;
        }
        if (s[0] == 'L') {
            return K_L;
        }
        if (s[0] == 'B') {
            return K_B;
        }
        return K_OTHER;
    case 2:
        return s[0] == 'S' && s[1] == 'S' ? K_SS : K_OTHER;
    case 4:
        if (memcmp(s, "BOOL", 4) == 0) {
            return K_BOOL;
        }
        if (memcmp(s, "NULL", 4) == 0) {
            return K_NULL;
        }
        return K_OTHER;
    default:
        return K_OTHER;
    }
}

static int
all_digits(const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* At most 18 ASCII digits: always fits in a long long. */
static PyObject *
small_int(const char *s, Py_ssize_t n, int negative)
{
    long long v = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        v = v * 10 + (s[i] - '0');
    }
    return PyLong_FromLongLong(negative ? -v : v);
}

static PyObject *
fragment(PyObject *text)
{
    return PyObject_CallOneArg(fragment_type, text);
}

/* The shapes of an N string that are converted here. NUM_OTHER goes to convert.number. */
enum number_shape { NUM_OTHER, NUM_INT, NUM_FRAGMENT };

/* Classify an N string exactly like item's shortcut (in a map only: under 19 ASCII digits, leading zeros
   allowed) and then convert._fast_number's shapes. For NUM_INT, digits, count and negative describe the value:
   at most 18 ASCII digits (possibly with leading zeros) and the sign; a NUM_FRAGMENT is the text verbatim. */
static enum number_shape
number_shape(PyObject *text, int in_map, const char **digits, Py_ssize_t *count, int *negative)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        PyErr_Clear();
        return NUM_OTHER; /* convert.number decides (and raises whatever it raises) */
    }
#endif
    if (!PyUnicode_IS_ASCII(text)) {
        return NUM_OTHER;
    }
    const char *s = (const char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (in_map && n > 0 && n < 19 && all_digits(s, n)) {
        *digits = s;
        *count = n;
        *negative = 0;
        return NUM_INT;
    }
    int minus = n > 0 && s[0] == '-';
    const char *body = s + minus;
    Py_ssize_t len = n - minus;
    if (len > 38) {
        return NUM_OTHER;
    }
    if (len > 0 && all_digits(body, len)) {
        if (body[0] != '0' || len == 1) {
            if (len >= 19) {
                return NUM_FRAGMENT;
            }
            *digits = body;
            *count = len;
            *negative = minus;
            return NUM_INT;
        }
        return NUM_OTHER;
    }
    const char *dot = memchr(body, '.', (size_t)len);
    if (dot != NULL) {
        Py_ssize_t whole = dot - body;
        Py_ssize_t fraction = len - whole - 1;
        if (whole > 0 && fraction > 0 && all_digits(body, whole) && all_digits(dot + 1, fraction) &&
            (body[0] != '0' || whole == 1)) {
            return NUM_FRAGMENT;
        }
    }
    return NUM_OTHER;
}

/* An N string: an int, an orjson.Fragment of the text, or whatever convert.number makes of it. */
static PyObject *
convert_number(PyObject *text, int in_map)
{
    const char *digits = NULL;
    Py_ssize_t count = 0;
    int negative = 0;
    switch (number_shape(text, in_map, &digits, &count, &negative)) {
    case NUM_INT:
        return small_int(digits, count, negative);
    case NUM_FRAGMENT:
        return fragment(text);
    case NUM_OTHER:
        break;
    }
    return PyObject_CallOneArg(number_fn, text);
}

/* Whether a B value is certainly valid for base64.b64decode(text, validate=True): ASCII, a multiple of 4 long,
   only the base64 alphabet, at most two '=' and only at the end. Anything else goes to convert.value, which
   decides (and explains). */
static int
plain_base64(PyObject *text)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        PyErr_Clear();
        return 0;
    }
#endif
    if (!PyUnicode_IS_ASCII(text)) {
        return 0;
    }
    const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n % 4 != 0) {
        return 0;
    }
    Py_ssize_t data = n;
    if (n > 0 && s[n - 1] == '=') {
        data = s[n - 2] == '=' ? n - 2 : n - 1;
    }
    for (Py_ssize_t i = 0; i < data; i++) {
        unsigned char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/')) {
            return 0;
        }
    }
    return 1;
}

/* A non-empty exact list of exact strs, sorted like sorted(); NULL without an exception if not that shape. */
static PyObject *
sorted_strings(PyObject *values)
{
    Py_ssize_t n = PyList_GET_SIZE(values);
    if (n == 0) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(values, i))) {
            return NULL;
        }
    }
    PyObject *out = PyList_GetSlice(values, 0, n);
    if (out != NULL && PyList_Sort(out) < 0) {
        Py_CLEAR(out);
    }
    return out;
}

/* One attribute value of a map (in_map) or of a list. Returns a new reference, or NULL with an exception. */
static PyObject *
convert_attribute(PyObject *attribute, int in_map, int depth)
{
    if (!PyDict_CheckExact(attribute)) {
        return PyObject_CallOneArg(in_map ? attribute_fn : element_fn, attribute);
    }
    if (PyDict_GET_SIZE(attribute) == 1) {
        Py_ssize_t pos = 0;
        PyObject *key, *inner, *result;
        PyDict_Next(attribute, &pos, &key, &inner);
        switch (kind_of(key)) {
        case K_S:
            if (PyUnicode_CheckExact(inner)) {
                Py_INCREF(inner);
                return inner;
            }
            break;
        case K_N:
            if (PyUnicode_CheckExact(inner)) {
                Py_INCREF(inner);
                result = convert_number(inner, in_map);
                Py_DECREF(inner);
                return result;
            }
            break;
        case K_M:
            if (PyDict_CheckExact(inner)) {
                Py_INCREF(inner);
                result = convert_map(inner, depth);
                Py_DECREF(inner);
                return result;
            }
            break;
        case K_L:
            if (PyList_CheckExact(inner)) {
                Py_INCREF(inner);
                result = convert_list(inner, depth);
                Py_DECREF(inner);
                return result;
            }
            break;
        case K_BOOL:
            if (PyBool_Check(inner)) {
                Py_INCREF(inner);
                return inner;
            }
            break;
        case K_NULL:
            if (inner == Py_True) {
                Py_RETURN_NONE;
            }
            break;
        case K_B:
            if (PyUnicode_CheckExact(inner) && plain_base64(inner)) {
                Py_INCREF(inner);
                return inner;
            }
            break;
        case K_SS:
            if (PyList_CheckExact(inner)) {
                result = sorted_strings(inner);
                if (result != NULL || PyErr_Occurred()) {
                    return result;
                }
            }
            break;
        case K_OTHER:
            break;
        }
    }
    return PyObject_CallOneArg(value_fn, attribute);
}

static int
enter(int depth)
{
    if (depth >= MAX_DEPTH) {
        PyErr_SetString(PyExc_RecursionError, "maximum recursion depth exceeded while converting an item");
        return -1;
    }
    if (Py_EnterRecursiveCall(" while converting an item")) {
        return -1;
    }
    return 0;
}

/* An exact dict of typed attributes -> a new dict with the same keys in the same order. */
static PyObject *
convert_map(PyObject *attributes, int depth)
{
    if (enter(depth) < 0) {
        return NULL;
    }
    PyObject *out = PyDict_New();
    if (out == NULL) {
        goto done;
    }
    Py_ssize_t pos = 0;
    PyObject *name, *attribute;
    while (PyDict_Next(attributes, &pos, &name, &attribute)) {
        Py_INCREF(name);
        Py_INCREF(attribute);
        PyObject *converted = convert_attribute(attribute, 1, depth + 1);
        Py_DECREF(attribute);
        if (converted == NULL || PyDict_SetItem(out, name, converted) < 0) {
            Py_DECREF(name);
            Py_XDECREF(converted);
            Py_CLEAR(out);
            goto done;
        }
        Py_DECREF(name);
        Py_DECREF(converted);
    }
done:
    Py_LeaveRecursiveCall();
    return out;
}

/* An exact list of typed attributes -> a new list. */
static PyObject *
convert_list(PyObject *values, int depth)
{
    if (enter(depth) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(values);
    PyObject *out = PyList_New(n);
    if (out == NULL) {
        goto done;
    }
    Py_ssize_t i = 0;
    /* Iterate like a Python for loop (the list's current length each step), although nothing here mutates it. */
    for (; i < PyList_GET_SIZE(values); i++) {
        PyObject *attribute = PyList_GET_ITEM(values, i);
        Py_INCREF(attribute);
        PyObject *converted = convert_attribute(attribute, 0, depth + 1);
        Py_DECREF(attribute);
        if (converted == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        if (i < n) {
            PyList_SET_ITEM(out, i, converted);
        }
        else {
            int failed = PyList_Append(out, converted);
            Py_DECREF(converted);
            if (failed) {
                Py_CLEAR(out);
                goto done;
            }
        }
    }
    if (i < n && PyList_SetSlice(out, i, n, NULL) < 0) {
        Py_CLEAR(out);
    }
done:
    Py_LeaveRecursiveCall();
    return out;
}

/* ---- convert.item + orjson.dumps in one pass: the JSON text written directly ------------------------------
 *
 * json_text() walks a typed item and writes exactly the bytes orjson.dumps(convert.py_item(attributes)) would
 * (compact; keys in dict order; strings as UTF-8 with only '"', '\\' and U+0000..U+001F escaped, the latter as
 * \b \t \n \f \r or \u00xx), with no intermediate objects. It covers only the shapes convert_attribute handles
 * itself; anything else -- every case that would call back into Python, a string with a lone surrogate, a
 * non-str key, nesting beyond WRITE_DEPTH -- makes it give up on the whole item (WRITE_FALLBACK), and
 * convert.to_json then takes the item + orjson path, so errors and rare types behave as before by construction.
 *
 * Until the walk is over it runs no Python code and allocates no Python object (an SS value is sorted in a C array
 * with qsort), so no garbage collection or finalizer can run and change the input under it: it reads the input
 * through borrowed references and never writes to it (no reference-count traffic on a large, cold event).
 */

/* Nested maps and lists the writer follows before giving up: DynamoDB allows 32, orjson fails at 255. */
#define WRITE_DEPTH 128
#define WRITE_STACK 8192

/* memmove, not memcpy: glibc versioned memcpy at 2.14, and the module links only symbols from glibc 2.2.5. */
#define copy(dst, src, n) memmove((dst), (src), (n))

enum { WRITE_ERROR = -1, WRITE_OK = 0, WRITE_FALLBACK = 1 };

typedef struct {
    char *buf;
    Py_ssize_t len;
    Py_ssize_t cap;
    int ascii;        /* nothing but ASCII written so far */
    char *heap;       /* buf once it has outgrown stack (PyMem) */
    char stack[WRITE_STACK];
} writer;

static int
grow(writer *w, Py_ssize_t need)
{
    Py_ssize_t cap = w->cap;
    while (cap - w->len < need) {
        if (cap > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return WRITE_ERROR;
        }
        cap *= 2;
    }
    char *heap = w->heap == NULL ? PyMem_Malloc((size_t)cap) : PyMem_Realloc(w->heap, (size_t)cap);
    if (heap == NULL) {
        PyErr_NoMemory();
        return WRITE_ERROR;
    }
    if (w->heap == NULL) {
        copy(heap, w->buf, (size_t)w->len);
    }
    w->heap = w->buf = heap;
    w->cap = cap;
    return WRITE_OK;
}

/* Room for need more bytes. */
static inline int
reserve(writer *w, Py_ssize_t need)
{
    return w->cap - w->len >= need ? WRITE_OK : grow(w, need);
}

static inline int
put(writer *w, const char *s, Py_ssize_t n)
{
    if (reserve(w, n) < 0) {
        return WRITE_ERROR;
    }
    copy(w->buf + w->len, s, (size_t)n);
    w->len += n;
    return WRITE_OK;
}

static inline int
put_char(writer *w, char c)
{
    if (reserve(w, 1) < 0) {
        return WRITE_ERROR;
    }
    w->buf[w->len++] = c;
    return WRITE_OK;
}

/* Which ASCII characters orjson escapes: 0 none, 'u' as \u00xx, else the character after the backslash. */
static const char escapes[128] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
};

/* Write one escaped ASCII character at p (room for 6 bytes); returns the new end. */
static inline char *
escape(char *p, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e = escapes[c];
    *p++ = '\\';
    if (e != 'u') {
        *p++ = e;
        return p;
    }
    *p++ = 'u';
    *p++ = '0';
    *p++ = '0';
    *p++ = hex[c >> 4];
    *p++ = hex[c & 0xF];
    return p;
}

/* Whether any of the 8 ASCII characters at s needs escaping ('"', '\\' or below 0x20). Each byte is below 0x80,
   so subtracting 0x20 from it, or 1 from it xor '"' or '\\', sets its high bit exactly when it matches (and only
   then borrows from the next byte). */
static inline int
needs_escape8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t v;
    copy(&v, s, 8);
    uint64_t control = v - ones * 0x20;
    uint64_t quote = (v ^ (ones * '"')) - ones;
    uint64_t backslash = (v ^ (ones * '\\')) - ones;
    return ((control | quote | backslash) & highs) != 0;
}

/* An exact str as a JSON string. WRITE_FALLBACK for a lone surrogate (orjson refuses it; the fallback path explains). */
static int
write_str(writer *w, PyObject *text)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return WRITE_ERROR;
    }
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n > (PY_SSIZE_T_MAX - 2) / 6) {
        PyErr_NoMemory();
        return WRITE_ERROR;
    }
    /* Every character takes at most 6 bytes (\u00xx; UTF-8 needs at most 4). */
    if (reserve(w, 6 * n + 2) < 0) {
        return WRITE_ERROR;
    }
    char *p = w->buf + w->len;
    *p++ = '"';
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *s = (const unsigned char *)PyUnicode_DATA(text);
        Py_ssize_t i = 0;
        while (i < n) {
            /* Blocks of 8 characters with nothing to escape are copied whole; the first other block, and the
               tail, go character by character. */
            while (n - i >= 8 && !needs_escape8(s + i)) {
                copy(p, s + i, 8);
                p += 8;
                i += 8;
            }
            Py_ssize_t end = n - i >= 8 ? i + 8 : n;
            for (; i < end; i++) {
                unsigned char c = s[i];
                if (escapes[c]) {
                    p = escape(p, c);
                }
                else {
                    *p++ = (char)c;
                }
            }
        }
    }
    else {
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        w->ascii = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c < 0x80) {
                if (escapes[c]) {
                    p = escape(p, (unsigned char)c);
                }
                else {
                    *p++ = (char)c;
                }
            }
            else if (c < 0x800) {
                *p++ = (char)(0xC0 | (c >> 6));
                *p++ = (char)(0x80 | (c & 0x3F));
            }
            else if (c < 0x10000) {
                if (c >= 0xD800 && c <= 0xDFFF) {
                    return WRITE_FALLBACK;
                }
                *p++ = (char)(0xE0 | (c >> 12));
                *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (char)(0x80 | (c & 0x3F));
            }
            else {
                *p++ = (char)(0xF0 | (c >> 18));
                *p++ = (char)(0x80 | ((c >> 12) & 0x3F));
                *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
                *p++ = (char)(0x80 | (c & 0x3F));
            }
        }
    }
    *p++ = '"';
    w->len = p - w->buf;
    return WRITE_OK;
}

/* An N string as a JSON number, exactly as convert_number's result serialises; WRITE_FALLBACK for convert.number's
   cases. */
static int
write_number(writer *w, PyObject *text, int in_map)
{
    const char *digits = NULL;
    Py_ssize_t count = 0;
    int negative = 0;
    switch (number_shape(text, in_map, &digits, &count, &negative)) {
    case NUM_INT:
        /* str(int(...)): no leading zeros, no sign on zero. */
        while (count > 1 && digits[0] == '0') {
            digits++;
            count--;
        }
        if (negative && digits[0] != '0' && put_char(w, '-') < 0) {
            return WRITE_ERROR;
        }
        return put(w, digits, count);
    case NUM_FRAGMENT:
        return put(w, (const char *)PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text));
    case NUM_OTHER:
        break;
    }
    return WRITE_FALLBACK;
}

static int
compare_strings(const void *a, const void *b)
{
    return PyUnicode_Compare(*(PyObject *const *)a, *(PyObject *const *)b); /* exact strs: cannot fail */
}

/* An SS value: a non-empty exact list of exact strs, as a JSON array sorted like sorted() (by code point; equal
   strings write the same text, so the order among them does not matter). WRITE_FALLBACK for any other list. */
static int
write_string_set(writer *w, PyObject *values)
{
    Py_ssize_t n = PyList_GET_SIZE(values);
    if (n == 0) {
        return WRITE_FALLBACK;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_CheckExact(PyList_GET_ITEM(values, i))) {
            return WRITE_FALLBACK;
        }
    }
    PyObject *small[16];
    PyObject **sorted = n <= 16 ? small : PyMem_New(PyObject *, (size_t)n);
    if (sorted == NULL) {
        PyErr_NoMemory();
        return WRITE_ERROR;
    }
    copy(sorted, PySequence_Fast_ITEMS(values), (size_t)n * sizeof(PyObject *));
    qsort(sorted, (size_t)n, sizeof(PyObject *), compare_strings);
    int result = put_char(w, '[');
    for (Py_ssize_t i = 0; i < n && result == WRITE_OK; i++) {
        if (i > 0) {
            result = put_char(w, ',');
        }
        if (result == WRITE_OK) {
            result = write_str(w, sorted[i]);
        }
    }
    if (result == WRITE_OK) {
        result = put_char(w, ']');
    }
    if (sorted != small) {
        PyMem_Free(sorted);
    }
    return result;
}

static int write_map(writer *w, PyObject *attributes, int depth);
static int write_list(writer *w, PyObject *values, int depth);

/* One typed attribute value of a map (in_map) or a list, as convert_attribute converts it and orjson writes it. */
static int
write_attribute(writer *w, PyObject *attribute, int in_map, int depth)
{
    if (!PyDict_CheckExact(attribute) || PyDict_GET_SIZE(attribute) != 1) {
        return WRITE_FALLBACK;
    }
    Py_ssize_t pos = 0;
    PyObject *key, *inner;
    int result = WRITE_FALLBACK;
    PyDict_Next(attribute, &pos, &key, &inner);
    switch (kind_of(key)) {
    case K_S:
        if (PyUnicode_CheckExact(inner)) {
            result = write_str(w, inner);
        }
        break;
    case K_N:
        if (PyUnicode_CheckExact(inner)) {
            result = write_number(w, inner, in_map);
        }
        break;
    case K_M:
        if (PyDict_CheckExact(inner)) {
            result = write_map(w, inner, depth);
        }
        break;
    case K_L:
        if (PyList_CheckExact(inner)) {
            result = write_list(w, inner, depth);
        }
        break;
    case K_BOOL:
        if (PyBool_Check(inner)) {
            result = inner == Py_True ? put(w, "true", 4) : put(w, "false", 5);
        }
        break;
    case K_NULL:
        if (inner == Py_True) {
            result = put(w, "null", 4);
        }
        break;
    case K_B:
        if (PyUnicode_CheckExact(inner) && plain_base64(inner)) {
            result = write_str(w, inner);
        }
        break;
    case K_SS:
        if (PyList_CheckExact(inner)) {
            result = write_string_set(w, inner);
        }
        break;
    case K_OTHER:
        break;
    }
    return result;
}

/* An exact dict of typed attributes as a JSON object. */
static int
write_map(writer *w, PyObject *attributes, int depth)
{
    if (depth >= WRITE_DEPTH) {
        return WRITE_FALLBACK;
    }
    if (put_char(w, '{') < 0) {
        return WRITE_ERROR;
    }
    Py_ssize_t pos = 0;
    PyObject *name, *attribute;
    int first = 1;
    while (PyDict_Next(attributes, &pos, &name, &attribute)) {
        if (!PyUnicode_CheckExact(name)) {
            return WRITE_FALLBACK; /* orjson refuses it ("Dict key must be str"); the fallback path raises */
        }
        if (!first && put_char(w, ',') < 0) {
            return WRITE_ERROR;
        }
        first = 0;
        int result = write_str(w, name);
        if (result == WRITE_OK) {
            result = put_char(w, ':');
        }
        if (result == WRITE_OK) {
            result = write_attribute(w, attribute, 1, depth + 1);
        }
        if (result != WRITE_OK) {
            return result;
        }
    }
    return put_char(w, '}');
}

/* An exact list of typed attributes as a JSON array. */
static int
write_list(writer *w, PyObject *values, int depth)
{
    if (depth >= WRITE_DEPTH) {
        return WRITE_FALLBACK;
    }
    if (put_char(w, '[') < 0) {
        return WRITE_ERROR;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(values); i++) {
        if (i > 0 && put_char(w, ',') < 0) {
            return WRITE_ERROR;
        }
        int result = write_attribute(w, PyList_GET_ITEM(values, i), 0, depth + 1);
        if (result != WRITE_OK) {
            return result;
        }
    }
    return put_char(w, ']');
}

/* orjson.dumps(convert.py_item(attributes)).decode() when the writer covers the item, else None (convert.to_json
   then takes the item + orjson path): a new reference, or NULL with an exception (out of memory). */
static PyObject *
text_of(PyObject *attributes)
{
    if (!PyDict_CheckExact(attributes)) {
        Py_RETURN_NONE;
    }
    writer w;
    w.buf = w.stack;
    w.len = 0;
    w.cap = WRITE_STACK;
    w.ascii = 1;
    w.heap = NULL;
    PyObject *out = NULL;
    int result = write_map(&w, attributes, 0);
    if (result == WRITE_FALLBACK) {
        out = Py_NewRef(Py_None);
    }
    else if (result == WRITE_OK) {
        if (w.ascii) {
            out = PyUnicode_New(w.len, 127);
            if (out != NULL) {
                copy(PyUnicode_DATA(out), w.buf, (size_t)w.len);
            }
        }
        else {
            out = PyUnicode_DecodeUTF8(w.buf, w.len, "strict");
        }
    }
    PyMem_Free(w.heap);
    return out;
}

static PyObject *
json_text(PyObject *Py_UNUSED(module), PyObject *attributes)
{
    return text_of(attributes);
}

/* ---- changelog.decode_stream_record(record, None) for well-formed stream records ----------------------------
 *
 * decode_record() returns exactly the 9-tuple the Python function returns, for the records that need nothing
 * unusual: every envelope field present with its exact type, an ARN Python has already parsed (known_arns is
 * changelog._KNOWN_ARNS; ARNs are never parsed here), and images json_text() writes. Anything else -- every
 * record the Python function rejects, and every odd but valid one (a str subclass, a datetime time, an image
 * that needs the item + orjson path) -- gives None, and the caller runs the Python function, which decodes it
 * or raises the DecodeError that explains, by construction.
 */

#define SEQUENCE_WIDTH 40
/* changelog._MIN_EPOCH_S and _MAX_EPOCH_S (years 1 to 9999), exclusive; the tests check they agree. */
#define MIN_EPOCH_S (-62135596800LL)
#define MAX_EPOCH_S 253402300800LL

enum { EVENT_OTHER, EVENT_KEEPS_NEW, EVENT_REMOVE };

static PyObject *key_arn, *key_event_name, *key_event_id, *key_dynamodb, *key_sequence, *key_keys, *key_created,
    *key_new_image, *key_old_image;

/* dict.get(key) as a new reference; NULL when the key is absent or maps to None, or on an error (left set: the
   caller gives up and clears it). */
static PyObject *
get(PyObject *dict, PyObject *key)
{
    PyObject *found = PyDict_GetItemWithError(dict, key);
    if (found == NULL || found == Py_None) {
        return NULL;
    }
    return Py_NewRef(found);
}

/* An exact str, ready, ASCII: its characters, else NULL. */
static const char *
ascii_chars(PyObject *text, Py_ssize_t *length)
{
    if (!PyUnicode_CheckExact(text)) {
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
#endif
    if (!PyUnicode_IS_ASCII(text)) {
        return NULL;
    }
    *length = PyUnicode_GET_LENGTH(text);
    return (const char *)PyUnicode_DATA(text);
}

static int
event_kind(PyObject *name)
{
    Py_ssize_t n = 0;
    const char *s = ascii_chars(name, &n);
    if (s == NULL || n != 6) {
        return EVENT_OTHER;
    }
    if (memcmp(s, "INSERT", 6) == 0 || memcmp(s, "MODIFY", 6) == 0) {
        return EVENT_KEEPS_NEW;
    }
    return memcmp(s, "REMOVE", 6) == 0 ? EVENT_REMOVE : EVENT_OTHER;
}

/* sequence.zfill(40) for an exact str of 1 to 40 ASCII digits; NULL otherwise. */
static PyObject *
padded_sequence(PyObject *sequence)
{
    Py_ssize_t n = 0;
    const char *s = ascii_chars(sequence, &n);
    if (s == NULL || n < 1 || n > SEQUENCE_WIDTH || !all_digits(s, n)) {
        return NULL;
    }
    PyObject *out = PyUnicode_New(SEQUENCE_WIDTH, 127);
    if (out != NULL) {
        char *p = (char *)PyUnicode_DATA(out);
        memset(p, '0', (size_t)(SEQUENCE_WIDTH - n));
        copy(p + SEQUENCE_WIDTH - n, s, (size_t)n);
    }
    return out;
}

/* round(created * 1000) for an exact int (not bool) or exact float strictly between the epoch bounds; NULL
   otherwise. */
static PyObject *
event_at_ms(PyObject *created)
{
    if (PyLong_CheckExact(created)) {
        int overflow = 0;
        long long seconds = PyLong_AsLongLongAndOverflow(created, &overflow);
        if (overflow || (seconds == -1 && PyErr_Occurred()) || seconds <= MIN_EPOCH_S || seconds >= MAX_EPOCH_S) {
            return NULL;
        }
        return PyLong_FromLongLong(seconds * 1000); /* at most 2.6e14: no overflow */
    }
    if (!PyFloat_CheckExact(created)) {
        return NULL;
    }
    double seconds = PyFloat_AS_DOUBLE(created);
    if (!(seconds > (double)MIN_EPOCH_S && seconds < (double)MAX_EPOCH_S)) { /* also NaN; both bounds exact */
        return NULL;
    }
    /* Python's round(float): the double product rounded half to even. volatile keeps the product a rounded double
       (no fused multiply-add into the subtraction below). |product| < 2^48, so truncating it to an integer and
       taking the fraction are both exact. */
    volatile double product = seconds * 1000.0;
    double y = product;
    long long whole = (long long)y;
    double fraction = y - (double)whole;
    if (fraction > 0.5 || (fraction == 0.5 && (whole & 1))) {
        whole++;
    }
    else if (fraction < -0.5 || (fraction == -0.5 && (whole & 1))) {
        whole--;
    }
    return PyLong_FromLongLong(whole);
}

/* json_text(image) as a new reference; NULL when it is None (the image needs the Python path) or on an error. */
static PyObject *
image_text(PyObject *image)
{
    PyObject *text = text_of(image);
    if (text == Py_None) {
        Py_DECREF(text);
        return NULL;
    }
    return text;
}

static PyObject *
decode_record(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "decode_record() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *record = args[0], *known_arns = args[1];
    PyObject *arn = NULL, *names = NULL, *event_name = NULL, *event_id = NULL, *ddb = NULL, *sequence = NULL,
             *padded = NULL, *keys_in = NULL, *keys = NULL, *created = NULL, *event_at = NULL, *new_in = NULL,
             *new_image = NULL, *old_in = NULL, *old_image = NULL, *out = NULL;
    if (!PyDict_CheckExact(record) || !PyDict_CheckExact(known_arns)) {
        goto done;
    }
    /* ARN -> (table, label): only a str Python has parsed and remembered. */
    if ((arn = get(record, key_arn)) == NULL || !PyUnicode_CheckExact(arn)) {
        goto done;
    }
    if ((names = get(known_arns, arn)) == NULL || !PyTuple_CheckExact(names) || PyTuple_GET_SIZE(names) != 2 ||
        !PyUnicode_CheckExact(PyTuple_GET_ITEM(names, 0)) || !PyUnicode_CheckExact(PyTuple_GET_ITEM(names, 1))) {
        goto done;
    }
    if ((event_name = get(record, key_event_name)) == NULL) {
        goto done;
    }
    int kind = event_kind(event_name);
    if (kind == EVENT_OTHER) {
        goto done;
    }
    if ((event_id = get(record, key_event_id)) == NULL || !PyUnicode_CheckExact(event_id) ||
        PyUnicode_GetLength(event_id) < 1) {
        goto done;
    }
    if ((ddb = get(record, key_dynamodb)) == NULL || !PyDict_CheckExact(ddb)) {
        goto done;
    }
    if ((sequence = get(ddb, key_sequence)) == NULL || (padded = padded_sequence(sequence)) == NULL) {
        goto done;
    }
    if ((keys_in = get(ddb, key_keys)) == NULL || !PyDict_CheckExact(keys_in) || PyDict_GET_SIZE(keys_in) == 0) {
        goto done;
    }
    if ((created = get(ddb, key_created)) == NULL || (event_at = event_at_ms(created)) == NULL) {
        goto done;
    }
    if ((keys = image_text(keys_in)) == NULL) {
        goto done;
    }
    if ((old_in = get(ddb, key_old_image)) != NULL) {
        if ((old_image = image_text(old_in)) == NULL) {
            goto done;
        }
    }
    else if (PyErr_Occurred()) {
        goto done;
    }
    if (kind != EVENT_REMOVE) { /* a REMOVE keeps its old image only, whatever NewImage holds */
        if ((new_in = get(ddb, key_new_image)) != NULL) {
            if ((new_image = image_text(new_in)) == NULL) {
                goto done;
            }
        }
        else if (PyErr_Occurred()) {
            goto done;
        }
    }
    out = PyTuple_Pack(9, PyTuple_GET_ITEM(names, 0), PyTuple_GET_ITEM(names, 1), event_id, event_name, event_at,
                       padded, keys, new_image == NULL ? Py_None : new_image,
                       old_image == NULL ? Py_None : old_image);
done:
    Py_XDECREF(arn);
    Py_XDECREF(names);
    Py_XDECREF(event_name);
    Py_XDECREF(event_id);
    Py_XDECREF(ddb);
    Py_XDECREF(sequence);
    Py_XDECREF(padded);
    Py_XDECREF(keys_in);
    Py_XDECREF(keys);
    Py_XDECREF(created);
    Py_XDECREF(event_at);
    Py_XDECREF(new_in);
    Py_XDECREF(new_image);
    Py_XDECREF(old_in);
    Py_XDECREF(old_image);
    if (out == NULL) {
        PyErr_Clear(); /* whatever went wrong, the Python function decides (and explains) */
        Py_RETURN_NONE;
    }
    return out;
}

static PyObject *
item(PyObject *Py_UNUSED(module), PyObject *attributes)
{
    if (value_fn == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_convert.configure() has not been called");
        return NULL;
    }
    if (!PyDict_CheckExact(attributes)) {
        return PyObject_CallOneArg(item_fn, attributes); /* raises the Python DecodeError */
    }
    return convert_map(attributes, 0);
}

static PyObject *
configure(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"value", "attribute", "element", "number", "fragment", "item", NULL};
    PyObject *value, *attribute, *element, *number, *fragment_cls, *pure_item;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOOOOO:configure", keywords, &value, &attribute, &element,
                                     &number, &fragment_cls, &pure_item)) {
        return NULL;
    }
    PyObject *all[] = {value, attribute, element, number, fragment_cls, pure_item};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (!PyCallable_Check(all[i])) {
            PyErr_Format(PyExc_TypeError, "configure() argument %s must be callable", keywords[i]);
            return NULL;
        }
    }
    Py_INCREF(value);
    Py_XSETREF(value_fn, value);
    Py_INCREF(attribute);
    Py_XSETREF(attribute_fn, attribute);
    Py_INCREF(element);
    Py_XSETREF(element_fn, element);
    Py_INCREF(number);
    Py_XSETREF(number_fn, number);
    Py_INCREF(fragment_cls);
    Py_XSETREF(fragment_type, fragment_cls);
    Py_INCREF(pure_item);
    Py_XSETREF(item_fn, pure_item);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"item", (PyCFunction)item, METH_O,
     "item(attributes, /)\n--\n\nConvert a typed item or map to a plain dict (same contract as convert.item)."},
    {"json_text", (PyCFunction)json_text, METH_O,
     "json_text(attributes, /)\n--\n\n"
     "orjson.dumps(convert.py_item(attributes)).decode(), written directly; None when the item needs the Python "
     "path (anything but the common well-formed shapes, including every malformed item)."},
    {"decode_record", (PyCFunction)(void (*)(void))decode_record, METH_FASTCALL,
     "decode_record(record, known_arns, /)\n--\n\n"
     "changelog.decode_stream_record(record, None) for a well-formed record whose ARN is in known_arns (str -> "
     "(table, label)); None for anything else, which the Python function then decodes or rejects."},
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS,
     "configure(value, attribute, element, number, fragment, item)\n--\n\n"
     "Register the Python fallbacks: convert.value, convert._attribute, convert._element, convert.number, "
     "orjson.Fragment and the pure convert item."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "lambdas.stream_processor._convert",
    .m_doc = "DynamoDB typed JSON -> plain Python objects (the C hot path of lambdas.stream_processor.convert).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__convert(void)
{
    struct {
        PyObject **key;
        const char *text;
    } keys[] = {
        {&key_arn, "eventSourceARN"},
        {&key_event_name, "eventName"},
        {&key_event_id, "eventID"},
        {&key_dynamodb, "dynamodb"},
        {&key_sequence, "SequenceNumber"},
        {&key_keys, "Keys"},
        {&key_created, "ApproximateCreationDateTime"},
        {&key_new_image, "NewImage"},
        {&key_old_image, "OldImage"},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (*keys[i].key == NULL && (*keys[i].key = PyUnicode_InternFromString(keys[i].text)) == NULL) {
            return NULL;
        }
    }
    return PyModule_Create(&module);
}
