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

/* An N string: item's shortcut (in a map only), then convert._fast_number's shapes, else convert.number. */
static PyObject *
convert_number(PyObject *text, int in_map)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
#endif
    if (PyUnicode_IS_ASCII(text)) {
        const char *s = (const char *)PyUnicode_DATA(text);
        Py_ssize_t n = PyUnicode_GET_LENGTH(text);
        if (in_map && n > 0 && n < 19 && all_digits(s, n)) {
            return small_int(s, n, 0);
        }
        int negative = n > 0 && s[0] == '-';
        const char *body = s + negative;
        Py_ssize_t len = n - negative;
        if (len <= 38) {
            if (len > 0 && all_digits(body, len)) {
                if (body[0] != '0' || len == 1) {
                    return len < 19 ? small_int(body, len, negative) : fragment(text);
                }
            }
            else {
                const char *dot = memchr(body, '.', (size_t)len);
                if (dot != NULL) {
                    Py_ssize_t whole = dot - body;
                    Py_ssize_t fraction = len - whole - 1;
                    if (whole > 0 && fraction > 0 && all_digits(body, whole) &&
                        all_digits(dot + 1, fraction) && (body[0] != '0' || whole == 1)) {
                        return fragment(text);
                    }
                }
            }
        }
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
    return PyModule_Create(&module);
}
