/*
 * test_redact.c - unit tests for tui/redact.c: RELIABILITY.md C3 (a
 * DATABASE_URL password, a redis:// password, a JAAS password="..."), C5
 * (requirepass, MONITOR's AUTH), URL userinfo for many schemes, key=value
 * secrets in conninfo, env, YAML, JSON, properties and flags,
 * Authorization and Bearer credentials, PEM private keys, the secret-name
 * test, and the negative cases that must not be masked (prose, shell
 * variable references, ordinary keys).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"
#include "tests/unit/testhelp.h"

static void test_redact_expect(const char *in, const char *want)
{
	char *got = redact(in);
	char *again;

	assert_string_equal(got, want);
	/* masking twice changes nothing more */
	again = redact(got);
	assert_string_equal(again, got);
	free(again);
	free(got);
}

static void test_redact_same(const char *in)
{
	test_redact_expect(in, in);
}

/* C3: the three rows of the reliability table. */
TEST(test_redact_c3)
{
	test_redact_expect("DATABASE_URL=postgres://app:S3cr3t@db/x",
			   "DATABASE_URL=postgres://app:***@db/x");
	test_redact_expect("REDIS_URL=redis://:pw@h", "REDIS_URL=redis://:***@h");
	test_redact_expect("redis://:pw@h:6379/0", "redis://:***@h:6379/0");
	test_redact_expect(
		"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
		"required username=\"app\" password=\"x\";",
		"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule "
		"required username=\"app\" password=\"***\";");
	test_redact_expect("password='s e c r e t' user=x", "password='***' user=x");
}

TEST(test_redact_urls)
{
	test_redact_expect("postgresql://u:p@h:5432/db?sslmode=require",
			   "postgresql://u:***@h:5432/db?sslmode=require");
	test_redact_expect("rediss://default:Zx9!@cache.internal:6380",
			   "rediss://default:***@cache.internal:6380");
	test_redact_expect("amqp://guest:guest@rabbit//", "amqp://guest:***@rabbit//");
	test_redact_expect("see https://bob:hunter2@example.com/x?y#z now",
			   "see https://bob:***@example.com/x?y#z now");
	test_redact_expect("mongodb://root:pw@m1:27017,m2:27017/admin?replicaSet=rs0",
			   "mongodb://root:***@m1:27017,m2:27017/admin?replicaSet=rs0");
	test_redact_expect("kafka://svc:k@broker:9092", "kafka://svc:***@broker:9092");
	/* a password holding '@' masks up to the last '@' of the authority */
	test_redact_expect("http://u:p@ss@host/", "http://u:***@host/");
	test_redact_expect("\"url\": \"postgres://a:b@c/d\"", "\"url\": \"postgres://a:***@c/d\"");
	/* two URLs on one line */
	test_redact_expect("from redis://:a@h1 to redis://:b@h2",
			   "from redis://:***@h1 to redis://:***@h2");
	/* user only, no userinfo, '@' after the authority */
	test_redact_same("ssh://git@github.com/org/repo.git");
	test_redact_same("https://host:8443/path?q=1");
	test_redact_same("https://social.example/@user:name");
	test_redact_same("http://u:@h/");
	/* a reference is not a value */
	test_redact_same("postgres://app:$PGPASS@db/x");
}

TEST(test_redact_key_value)
{
	test_redact_expect("host=db port=5432 password=hunter2 dbname=x",
			   "host=db port=5432 password=*** dbname=x");
	test_redact_expect("PGPASSWORD=abc psql -h db", "PGPASSWORD=*** psql -h db");
	test_redact_expect("passwd=a pwd=b secret=c token=d",
			   "passwd=*** pwd=*** secret=*** token=***");
	test_redact_expect("api_key=e apikey=f access_key=g",
			   "api_key=*** apikey=*** access_key=***");
	test_redact_expect("sasl.password=x\nssl.key.password=y\n",
			   "sasl.password=***\nssl.key.password=***\n");
	test_redact_expect("Password=Abc PASSWORD = Def", "Password=*** PASSWORD = ***");
	test_redact_expect("REDIS_PASSWORD=x ADMIN_TOKEN=abc",
			   "REDIS_PASSWORD=*** ADMIN_TOKEN=***");
	test_redact_expect("AWS_SECRET=s STRIPE_KEY=sk_live_1 DB_PASS=p",
			   "AWS_SECRET=*** STRIPE_KEY=*** DB_PASS=***");
	test_redact_expect("export GITHUB_TOKEN=ghp_abc; make", "export GITHUB_TOKEN=***; make");
	test_redact_expect("jdbc:postgresql://h/db?user=u&password=p&ssl=true",
			   "jdbc:postgresql://h/db?user=u&password=***&ssl=true");
	test_redact_expect("Server=db;User Id=sa;Password=P@ss;",
			   "Server=db;User Id=sa;Password=***;");
	test_redact_expect("--password=x --db-password=y --pass=z",
			   "--password=*** --db-password=*** --pass=***");
	test_redact_expect("<password>x y</password>", "<password>***</password>");
	/* a separator ends the value only when the next field follows */
	test_redact_expect("PASSWORD=p@ss,word", "PASSWORD=***");
	test_redact_expect("PASSWORD=a;b&c next", "PASSWORD=*** next");
	test_redact_expect("--set db.password=x,db.user=y", "--set db.password=***,db.user=y");
	test_redact_expect("{\"token\": 12345, \"n\": 1}", "{\"token\": ***, \"n\": 1}");
	/* quotes are kept, escapes inside them are skipped */
	test_redact_expect("password=\"a \\\" b\" next", "password=\"***\" next");
	test_redact_expect("password='x'", "password='***'");
	/* an empty value stays empty */
	test_redact_same("password= ");
	test_redact_same("password=\"\"");
	test_redact_same("token=");
}

TEST(test_redact_yaml_json)
{
	test_redact_expect("password: x", "password: ***");
	test_redact_expect("  password: 'x'\n  user: u\n", "  password: '***'\n  user: u\n");
	test_redact_expect("{\"password\":\"x\",\"user\":\"u\"}",
			   "{\"password\":\"***\",\"user\":\"u\"}");
	test_redact_expect("{\"password\": \"x\", \"n\": 1}", "{\"password\": \"***\", \"n\": 1}");
	test_redact_expect("{\"token\": 12345}", "{\"token\": ***}");
	/* JSON inside a JSON string (last-applied-configuration) */
	test_redact_expect("\"{\\\"password\\\":\\\"x\\\"}\"",
			   "\"{\\\"password\\\":\\\"***\\\"}\"");
	/* kubectl describe pod */
	test_redact_expect("    DB_PASSWORD:  hunter2\n    LOG_LEVEL:  debug\n",
			   "    DB_PASSWORD:  ***\n    LOG_LEVEL:  debug\n");
	/* env as name/value pairs, YAML and JSON */
	test_redact_expect(
		"- name: DB_PASSWORD\n  value: hunter2\n- name: LOG_LEVEL\n  value: debug\n",
		"- name: DB_PASSWORD\n  value: ***\n- name: LOG_LEVEL\n  value: debug\n");
	test_redact_expect("[{\"name\":\"API_TOKEN\",\"value\":\"abc\"},{\"name\":\"HOME\","
			   "\"value\":\"/root\"}]",
			   "[{\"name\":\"API_TOKEN\",\"value\":\"***\"},{\"name\":\"HOME\","
			   "\"value\":\"/root\"}]");
	/* helm values in camelCase */
	test_redact_expect("adminPassword: x\nclientSecret: y\nauthToken=z\n",
			   "adminPassword: ***\nclientSecret: ***\nauthToken=***\n");
	/* docker config */
	test_redact_expect("{\"auths\":{\"r.io\":{\"auth\":\"dXNlcjpwYXNz\"}}}",
			   "{\"auths\":{\"r.io\":{\"auth\":\"***\"}}}");
}

TEST(test_redact_authorization)
{
	test_redact_expect("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig",
			   "Authorization: Bearer ***");
	test_redact_expect("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***");
	test_redact_expect("authorization: basic dXNlcjpwYXNz\r\nHost: x",
			   "authorization: basic ***\r\nHost: x");
	test_redact_expect("curl -H \"Authorization: Bearer abc\" -v https://x",
			   "curl -H \"Authorization: Bearer ***\" -v https://x");
	test_redact_expect("{\"Authorization\": \"Basic xyz==\"}",
			   "{\"Authorization\": \"Basic ***\"}");
	test_redact_expect("Authorization: token ghp_x", "Authorization: token ***");
	test_redact_expect("Proxy-Authorization: abcdef", "Proxy-Authorization: ***");
	test_redact_expect("Authorization: Digest username=\"bob\", response=\"abc\"\nHost: h",
			   "Authorization: Digest ***\nHost: h");
	test_redact_expect("Bearer abc123", "Bearer ***");
	test_redact_expect("got header bearer  x.y.z from client",
			   "got header bearer  *** from client");
	test_redact_expect("X-Auth-Token: abc\nx-api-key: def\n",
			   "X-Auth-Token: ***\nx-api-key: ***\n");
}

TEST(test_redact_redis)
{
	test_redact_expect("AUTH p", "AUTH ***");
	test_redact_expect("AUTH user p", "AUTH user ***");
	test_redact_expect("auth p\nGET k", "auth ***\nGET k");
	test_redact_expect("127.0.0.1:6379> AUTH pw", "127.0.0.1:6379> AUTH ***");
	/* MONITOR output */
	test_redact_expect("1700000000.123456 [0 127.0.0.1:53412] \"AUTH\" \"s3cret\"",
			   "1700000000.123456 [0 127.0.0.1:53412] \"AUTH\" \"***\"");
	test_redact_expect("1700000000.1 [0 10.0.0.1:1] \"auth\" \"default\" \"s3cret\"\n",
			   "1700000000.1 [0 10.0.0.1:1] \"auth\" \"default\" \"***\"\n");
	test_redact_expect("1.1 [0 h:1] \"HELLO\" \"3\" \"AUTH\" \"u\" \"pw\"",
			   "1.1 [0 h:1] \"HELLO\" \"3\" \"AUTH\" \"u\" \"***\"");
	/* config */
	test_redact_expect("requirepass foobared", "requirepass ***");
	test_redact_expect("CONFIG SET requirepass newpw", "CONFIG SET requirepass ***");
	test_redact_expect("masterauth \"abc\"", "masterauth \"***\"");
	test_redact_expect("1) \"requirepass\"\n2) \"foobared\"\n",
			   "1) \"requirepass\"\n2) \"***\"\n");
	test_redact_expect("requirepass: x", "requirepass: ***");
	test_redact_same("1) \"requirepass\"\n2) \"\"\n");
	/* redis-cli arguments */
	test_redact_expect("redis-cli -h h -a s3cret ping", "redis-cli -h h -a *** ping");
	test_redact_expect("redis-cli --pass s3cret --no-auth-warning",
			   "redis-cli --pass *** --no-auth-warning");
	test_redact_expect("argv: 'redis-cli' '-a' 'pw' 'info'",
			   "argv: 'redis-cli' '-a' '***' 'info'");
	test_redact_expect("[\"redis-cli\",\"-a\",\"pw\"]", "[\"redis-cli\",\"-a\",\"***\"]");
	test_redact_same("redis-cli -a \"$REDIS_PASSWORD\" ping");
	test_redact_same("ls -a /tmp");
	test_redact_same("NOAUTH Authentication required.");
	test_redact_same("the AUTH command failed");
	test_redact_same("AUTH failed for user x");
}

TEST(test_redact_flags)
{
	test_redact_expect("app --password s3 --token t0k -v", "app --password *** --token *** -v");
	test_redact_same("psql --no-password -h db");
	test_redact_same("app --password-file /etc/pw");
	test_redact_same("app --password --verbose");
}

TEST(test_redact_pem)
{
	test_redact_expect(
		"key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAbCd\n-----END RSA PRIVATE "
		"KEY-----\n",
		"key:\n-----BEGIN RSA PRIVATE KEY-----\n***\n-----END RSA PRIVATE KEY-----\n");
	test_redact_expect("-----BEGIN PRIVATE KEY-----\nMIIE", "-----BEGIN PRIVATE KEY-----\n***");
	test_redact_same("-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
	test_redact_same("-----BEGIN ");
}

/* G-b: secrets in the forms each ecosystem writes them, one row each;
 * want NULL means the input must come out unchanged (the false-positive
 * rows). Every row is checked and every mismatch printed before the
 * test fails, so one run names all the forms that leak. */
static const struct redact_case {
	const char *in, *want;
} redact_cases[] = {
	/* SQL: CREATE/ALTER ROLE/USER ... PASSWORD '...' */
	{ "ALTER ROLE app PASSWORD 'S3cret'", "ALTER ROLE app PASSWORD '***'" },
	{ "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'S3cret' VALID UNTIL 'infinity'",
	  "CREATE ROLE app LOGIN ENCRYPTED PASSWORD '***' VALID UNTIL 'infinity'" },
	{ "alter user app with password 'S3cret';", "alter user app with password '***';" },
	{ "CREATE USER u WITH PASSWORD 'it''s S3cret' CREATEDB",
	  "CREATE USER u WITH PASSWORD '***' CREATEDB" },
	{ "ALTER ROLE app PASSWORD E'S3\\'cret'", "ALTER ROLE app PASSWORD E'***'" },
	{ "ALTER ROLE app PASSWORD $$S3cret$$", "ALTER ROLE app PASSWORD $$***$$" },
	{ "ALTER ROLE app PASSWORD $pw$S3'cret$pw$;", "ALTER ROLE app PASSWORD $pw$***$pw$;" },
	{ "ALTER ROLE app\n  PASSWORD\n  'S3cret'", "ALTER ROLE app\n  PASSWORD\n  '***'" },
	/* cut by a column or a length cap inside the literal */
	{ "ALTER ROLE app PASSWORD 'S3cr", "ALTER ROLE app PASSWORD '***" },
	/* postgres_fdw / dblink */
	{ "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password 'S3cret')",
	  "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'u', password '***')" },
	{ "ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password 'S3cret')",
	  "ALTER USER MAPPING FOR app SERVER s OPTIONS (SET password '***')" },
	{ "SELECT dblink_connect('c1', 'host=db user=u password=S3cret dbname=x')",
	  "SELECT dblink_connect('c1', 'host=db user=u password=*** dbname=x')" },
	{ "SELECT * FROM dblink('dbname=x password=''S3 cret''', 'SELECT 1') AS t(a int)",
	  "SELECT * FROM dblink('dbname=x password=''***''', 'SELECT 1') AS t(a int)" },
	/* pgcrypto keys */
	{ "SELECT pgp_sym_encrypt(card, 'S3cretKey') FROM cards",
	  "SELECT pgp_sym_encrypt(card, '***') FROM cards" },
	{ "SELECT pgp_sym_decrypt(data::bytea, 'S3cretKey', 'cipher-algo=aes256')",
	  "SELECT pgp_sym_decrypt(data::bytea, '***', 'cipher-algo=aes256')" },
	{ "INSERT INTO t VALUES (pgp_sym_encrypt('a, b (c)', E'S3cret'))",
	  "INSERT INTO t VALUES (pgp_sym_encrypt('a, b (c)', E'***'))" },
	{ "SELECT encrypt('data', 'S3cretKey', 'aes')", "SELECT encrypt('data', '***', 'aes')" },
	{ "SELECT * FROM users WHERE pw = crypt('S3cret', pw)",
	  "SELECT * FROM users WHERE pw = crypt('***', pw)" },
	{ "SELECT pgp_pub_decrypt(msg, dearmor(k), 'S3cret')",
	  "SELECT pgp_pub_decrypt(msg, dearmor(k), '***')" },
	/* Redis */
	{ "HELLO 3 AUTH default S3cret", "HELLO 3 AUTH default ***" },
	{ "hello 3 auth app S3cret setname console", "hello 3 auth app *** setname console" },
	{ "127.0.0.1:6379> HELLO 2 AUTH u S3cret", "127.0.0.1:6379> HELLO 2 AUTH u ***" },
	{ "MIGRATE 10.0.0.2 6379 \"\" 0 5000 COPY AUTH S3cret KEYS a b",
	  "MIGRATE 10.0.0.2 6379 \"\" 0 5000 COPY AUTH *** KEYS a b" },
	{ "MIGRATE h 6379 k 0 5000 AUTH2 app S3cret", "MIGRATE h 6379 k 0 5000 AUTH2 app ***" },
	{ "1.1 [0 h:1] \"MIGRATE\" \"h\" \"6379\" \"k\" \"0\" \"5000\" \"AUTH2\" \"u\" \"S3cret\"",
	  "1.1 [0 h:1] \"MIGRATE\" \"h\" \"6379\" \"k\" \"0\" \"5000\" \"AUTH2\" \"u\" \"***\"" },
	{ "CONFIG SET masterauth S3cret", "CONFIG SET masterauth ***" },
	{ "redis-cli -h cache AUTH S3cret", "redis-cli -h cache AUTH ***" },
	{ "ACL SETUSER app on >S3cret ~cache:* +get", "ACL SETUSER app on >*** ~cache:* +get" },
	/* Kubernetes Secret data/stringData: keys stay, values go */
	{ "apiVersion: v1\ndata:\n  username: YWRtaW4=\n  tls.crt: LS0tLS1C\nkind: Secret\n",
	  "apiVersion: v1\ndata:\n  username: ***\n  tls.crt: ***\nkind: Secret\n" },
	{ "kind: Secret\nstringData:\n  config.yaml: |\n    user: app\n    dsn: x\ntype: Opaque\n",
	  "kind: Secret\nstringData:\n  config.yaml: |\n    ***\n    ***\ntype: Opaque\n" },
	{ "{\"apiVersion\":\"v1\",\"data\":{\"username\":\"YWRtaW4=\",\"ca.crt\":\"LS0t\"},"
	  "\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"}}",
	  "{\"apiVersion\":\"v1\",\"data\":{\"username\":\"***\",\"ca.crt\":\"***\"},"
	  "\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"}}" },
	{ "{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"user\": \"YQ==\"\n  },\n  \"type\": "
	  "\"Opaque\"\n}",
	  "{\n  \"kind\": \"Secret\",\n  \"data\": {\n    \"user\": \"***\"\n  },\n  \"type\": "
	  "\"Opaque\"\n}" },
	{ "- kind: Secret\n  data: {user: YQ==, host: Yg==}\n",
	  "- kind: Secret\n  data: {user: ***, host: ***}\n" },
	{ "kubectl create secret generic db --from-literal=user=app --from-literal=dsn=S3cret",
	  "kubectl create secret generic db --from-literal=user=*** --from-literal=dsn=***" },
	/* Kubernetes env: *_PASSWORD, *_TOKEN, *_KEY, *_SECRET */
	{ "env:\n- name: SMTP_SECRET\n  value: S3cret\n- name: LOG\n  value: info\n",
	  "env:\n- name: SMTP_SECRET\n  value: ***\n- name: LOG\n  value: info\n" },
	{ "{\"name\":\"STRIPE_KEY\",\"value\":\"sk_live_S3cret\"}",
	  "{\"name\":\"STRIPE_KEY\",\"value\":\"***\"}" },
	{ "SLACK_TOKEN=xoxb-S3cret DB_PASSWORD=S3cret", "SLACK_TOKEN=*** DB_PASSWORD=***" },
	/* bearer tokens, AWS keys, other provider tokens */
	{ "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.S3cret' https://api",
	  "curl -H 'Authorization: Bearer ***' https://api" },
	{ "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = "
	  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
	  "aws_access_key_id = AKIA***\naws_secret_access_key = ***\n" },
	{ "export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A", "export AWS_ACCESS_KEY_ID=ASIA***" },
	{ "rotated AKIAIOSFODNN7EXAMPLE.", "rotated AKIA***." },
	{ "{\"AccessKeyId\": \"ASIAY34FZKBOKMUTVV7A\", \"SecretAccessKey\": \"S3cret/x+y\"}",
	  "{\"AccessKeyId\": \"ASIA***\", \"SecretAccessKey\": \"***\"}" },
	{ "git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r",
	  "git clone https://ghp_***@github.com/o/r" },
	/* PEM blocks: private keys masked, certificates kept */
	{ "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE "
	  "KEY-----",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n***\n-----END OPENSSH PRIVATE KEY-----" },
	{ "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----",
	  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n***\n-----END PGP PRIVATE KEY BLOCK-----" },
	{ "{\"tls.key\": \"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQ\\n-----END EC PRIVATE "
	  "KEY-----\\n\"}",
	  "{\"tls.key\": \"-----BEGIN EC PRIVATE KEY-----\\n***\\n-----END EC PRIVATE "
	  "KEY-----\\n\"}" },
	/* false positives: none of these holds a secret */
	{ "SELECT id, password_hash, email FROM users WHERE password IS NULL ORDER BY id", NULL },
	{ "SELECT password, login FROM accounts WHERE active", NULL },
	{ "ALTER ROLE app PASSWORD NULL", NULL },
	{ "ALTER ROLE app PASSWORD $1", NULL },
	{ "SELECT pgp_sym_encrypt($1, $2)", NULL },
	{ "SELECT pgp_sym_encrypt(card, key_col) FROM cards", NULL },
	{ "SELECT encrypted_password IS NOT NULL FROM pg_shadow", NULL },
	{ "HELLO 3", NULL },
	{ "Hello auth team, the new dashboard is up", NULL },
	{ "MIGRATE h 6379 k 0 5000 COPY REPLACE", NULL },
	{ "apiVersion: v1\ndata:\n  level: debug\nkind: ConfigMap\n", NULL },
	{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", NULL },
	{ "kind: SecretProviderClass\ndata:\n  level: debug\n", NULL },
	{ "KEYCLOAK_URL=https://sso PRIMARY_KEYS=3", NULL },
	{ "AKIA is the prefix of an access key id; AKIAEXAMPLE is too short", NULL },
	{ "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----", NULL },
	{ "kubectl create configmap cfg --from-literal=level=debug", NULL },
};

TEST(test_redact_ecosystems)
{
	size_t i, bad = 0, n = sizeof redact_cases / sizeof redact_cases[0];

	for (i = 0; i < n; i++) {
		const struct redact_case *rc = &redact_cases[i];
		const char *want = rc->want != NULL ? rc->want : rc->in;
		char *got = redact(rc->in), *again = redact(got);

		if (strcmp(got, want) != 0 || strcmp(again, got) != 0) {
			print_message("row %zu:\n  in:    %s\n  want:  %s\n  got:   %s\n"
				      "  again: %s\n",
				      i, rc->in, want, got, again);
			bad++;
		}
		free(again);
		free(got);
	}
	if (bad > 0)
		fail_msg("%zu of %zu rows differ", bad, n);
}

/* Things that look close to secrets but are not values. */
TEST(test_redact_negative)
{
	char *s;

	test_redact_same("");
	test_redact_same("passwords are rotated weekly");
	test_redact_same("the password is required");
	test_redact_same("TOKEN=$TOKEN");
	test_redact_same("--header \"Authorization: Bearer ${ADMIN_TOKEN}\"");
	test_redact_same("Authorization: Bearer $TOKEN");
	test_redact_same("NEW=$(echo -n $NEW_TOKEN | base64)");
	test_redact_same("token=$(echo -n $NEW_TOKEN | base64)");
	test_redact_same("ADMIN_TOKEN=\"${ADMIN_TOKEN}\"");
	test_redact_same("password: {{ .Values.db.password }}");
	test_redact_same("Bearer token expired");
	test_redact_same("monkey=banana keyboard=us tokens=5");
	test_redact_same("secretName: db-creds\nkind: Secret\nsecret:\n  secretName: x\n");
	test_redact_same("PWD=/home/app OLDPWD=~/src");
	test_redact_same("[red::b]X[-] %s%n%x {\"a\":[\"b\"]}");
	test_redact_same("user=app host=db port=5432");
	test_redact_same("- name: HOME\n  value: /root\n");
	test_redact_same("- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n");
	s = redact(NULL);
	assert_string_equal(s, "");
	free(s);
}

TEST(test_redact_secret_name)
{
	static const struct test_str_case cases[] = {
		{ "TOKEN", 1 },        { "github_token", 1 },  { "DB_PASSWORD", 1 },
		{ "passwd", 1 },       { "client_secret", 1 }, { "AWS_CREDENTIALS", 1 },
		{ "apikey", 1 },       { "X_API_KEY_ID", 1 },  { "PRIVATE_KEY_PEM", 1 },
		{ "SSH_KEY", 1 },      { "encryptionKey", 1 }, { "DB_PASS", 1 },
		{ "HOME", 0 },         { "PATH", 0 },          { "PASSENGER", 0 },
		{ "KEYCLOAK_URL", 0 }, { "BYPASS", 0 },        { "", 0 },
		{ NULL, 0 },
	};

	test_str_fn(redact_is_secret_name, cases);
}

/* Arbitrary bytes: no crash, NUL-terminated, never grows wildly. */
TEST(test_redact_random)
{
	static const char *const atoms[] = {
		"password",
		"=",
		":",
		"\"",
		"'",
		"\\\"",
		" ",
		"\n",
		"://",
		"@",
		"AUTH",
		"Bearer",
		"Authorization",
		"requirepass",
		"-a",
		"redis-cli",
		"$",
		"x",
		"-----BEGIN PRIVATE KEY-----",
		"-----END",
		"name",
		"value",
		"DB_TOKEN",
		"<",
		">",
		",",
		"\xff",
		"--pass",
		"2) ",
		"{{",
		"PASSWORD ",
		"E'",
		"''",
		"$$",
		"$t$",
		"pgp_sym_encrypt(",
		"(",
		")",
		"HELLO 3 ",
		"MIGRATE ",
		"AUTH2",
		"ACL SETUSER ",
		"kind: Secret\n",
		"data:",
		"  ",
		"{",
		"}",
		"AKIAIOSFODNN7EXAMPLE",
		"\\n",
		"--from-literal=",
	};
	char buf[512];
	uint32_t x = 88172645u;
	size_t n, alen;
	int round, k;
	char *out;

	for (round = 0; round < 20000; round++) {
		n = 0;
		for (k = 0; k < 24; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			alen = strlen(atoms[x % (sizeof atoms / sizeof atoms[0])]);
			if (n + alen >= sizeof buf)
				break;
			memcpy(buf + n, atoms[x % (sizeof atoms / sizeof atoms[0])], alen);
			n += alen;
		}
		buf[n] = '\0';
		out = redact(buf);
		assert_non_null(out);
		assert_true(strlen(out) <= n * 3 + 3);
		free(out);
	}
}
