/* test_jsoncheck: the strict JSON validator used by the fuzz targets accepts JSON and rejects the rest. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jsoncheck.h"

static int
check(const char *s)
{
	return jsoncheck(s, strlen(s), NULL);
}

static void
test_jsoncheck_accepts_json(void **state)
{
	static const char *const good[] = {
		"{}", "[]", "\"\"", "0", "-0", "-12.5e+3", "1E-2", "true",
		"false", "null", " \t\r\n[ 1 , 2 ]\n",
		"{\"a\":[1,true,null,\"x\"],\"b\":{\"c\":\"\"}}",
		"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac\"",
		"[\n{\"start\":\"0x1000\"},\n{\"start\":\"0x2000\"}\n]\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (check(good[i]) != 0)
			fail_msg("rejected: %s", good[i]);
	}
}

static void
test_jsoncheck_rejects_non_json(void **state)
{
	static const char *const bad[] = {
		"", " ", "[][]", "[] []", "{}{}", "1 2", "\"a\"\"b\"",
		"[1]x", "{\"a\":1}\n{\"a\":2}",		/* two values */
		"\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"",
		"\"\\'\"", "\"\\",			/* escapes */
		"\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
		"\"a\tb\"", "\"a\nb\"", "\"\x1b[31m\"",	/* raw controls */
		"\"\xff\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"", "\"\xc3\"", "\"\x80\"", /* UTF-8 */
		"01", "1.", ".5", "+1", "1e", "-", "0x10", "NaN",
		"tru", "nul", "True", "[1,]", "[,1]", "{\"a\":1,}",
		"{\"a\" 1}", "{a:1}", "{\"a\":}", "[1", "{\"a\":1",
		"\"abc", "{\"a\":1,\"a\":2}", "'a'",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		if (jsoncheck(bad[i], strlen(bad[i]), &why) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(why);
	}
}

static void
test_jsoncheck_rejects_nul_and_deep_nesting(void **state)
{
	char deep[2 * (JSONCHECK_DEPTH + 1)];

	(void)state;
	/* A NUL byte inside or after the value is not whitespace. */
	assert_int_equal(jsoncheck("\"a\0b\"", 5, NULL), -1);
	assert_int_equal(jsoncheck("[]\0", 3, NULL), -1);
	memset(deep, '[', JSONCHECK_DEPTH + 1);
	memset(deep + JSONCHECK_DEPTH + 1, ']', JSONCHECK_DEPTH + 1);
	assert_int_equal(jsoncheck(deep, sizeof(deep), NULL), -1);
	assert_int_equal(jsoncheck(deep + 1, sizeof(deep) - 2, NULL), 0);
}

static void
test_jsoncheck_string_decodes(void **state)
{
	static const char lit[] = "\"a\\u0000\\n\\u00e9\\ud83d\\ude00\xe2\x82\xac\"";
	static const char want[] = "a\0\n\xc3\xa9\xf0\x9f\x98\x80\xe2\x82\xac";
	char out[64];
	size_t n;

	(void)state;
	assert_int_equal(jsoncheck_string(lit, strlen(lit), out, sizeof(out),
	    &n, NULL), 0);
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
	/* Exactly one string literal. */
	assert_int_equal(jsoncheck_string("\"a\" ", 4, out, sizeof(out), &n,
	    NULL), -1);
	assert_int_equal(jsoncheck_string("1", 1, out, sizeof(out), &n,
	    NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsoncheck_accepts_json),
		cmocka_unit_test(test_jsoncheck_rejects_non_json),
		cmocka_unit_test(test_jsoncheck_rejects_nul_and_deep_nesting),
		cmocka_unit_test(test_jsoncheck_string_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
