/*
 * safety_redis.c - the Redis judge of step safety (see safety.h): a
 * redis step's command words, and redis-cli's options and the command it
 * is given, read-only or changing or destructive by command name. Pure
 * functions, any thread.
 */
#include "core/safety.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/safety_int.h"
#include "lib/util.h"

/* Commands that change data or the server (always, whatever follows). */
static const char *const safety_redis_changing[] = {
	"SET",
	"SETEX",
	"PSETEX",
	"SETNX",
	"MSET",
	"MSETNX",
	"GETSET",
	"GETDEL",
	"GETEX",
	"APPEND",
	"INCR",
	"INCRBY",
	"INCRBYFLOAT",
	"DECR",
	"DECRBY",
	"EXPIRE",
	"EXPIREAT",
	"PEXPIRE",
	"PEXPIREAT",
	"PERSIST",
	"RENAME",
	"RENAMENX",
	"MOVE",
	"COPY",
	"RESTORE",
	"MIGRATE",
	"HSET",
	"HSETNX",
	"HMSET",
	"HDEL",
	"HINCRBY",
	"HINCRBYFLOAT",
	"LPUSH",
	"RPUSH",
	"LPUSHX",
	"RPUSHX",
	"LPOP",
	"RPOP",
	"LSET",
	"LREM",
	"LTRIM",
	"LINSERT",
	"LMOVE",
	"BLMOVE",
	"BLPOP",
	"BRPOP",
	"RPOPLPUSH",
	"BRPOPLPUSH",
	"LMPOP",
	"BLMPOP",
	"SADD",
	"SREM",
	"SPOP",
	"SMOVE",
	"SINTERSTORE",
	"SUNIONSTORE",
	"SDIFFSTORE",
	"ZADD",
	"ZREM",
	"ZINCRBY",
	"ZPOPMIN",
	"ZPOPMAX",
	"BZPOPMIN",
	"BZPOPMAX",
	"ZMPOP",
	"BZMPOP",
	"ZREMRANGEBYSCORE",
	"ZREMRANGEBYRANK",
	"ZREMRANGEBYLEX",
	"ZUNIONSTORE",
	"ZINTERSTORE",
	"ZDIFFSTORE",
	"ZRANGESTORE",
	"XADD",
	"XDEL",
	"XTRIM",
	"XGROUP",
	"XACK",
	"XCLAIM",
	"XAUTOCLAIM",
	"XSETID",
	"PFADD",
	"PFMERGE",
	"SETBIT",
	"SETRANGE",
	"BITOP",
	"BITFIELD",
	"GEOADD",
	"EVAL",
	"EVALSHA",
	"FCALL",
	"SHUTDOWN",
	"SAVE",
	"BGSAVE",
	"BGREWRITEAOF",
	"DEBUG",
	"REPLICAOF",
	"SLAVEOF",
	"FAILOVER",
	"SWAPDB",
	"PUBLISH",
	"SPUBLISH",
	NULL,
};
/* Commands whose sub-command decides: these sub-commands change. */
static const struct {
	const char *cmd;
	const char *const subs[14];
} safety_redis_subs[] = {
	{ "CONFIG", { "SET", "REWRITE", "RESETSTAT", NULL } },
	{ "CLIENT", { "KILL", "PAUSE", "UNPAUSE", "NO-EVICT", NULL } },
	{ "SCRIPT", { "FLUSH", "LOAD", "KILL", NULL } },
	{ "FUNCTION", { "DELETE", "FLUSH", "LOAD", "RESTORE", "KILL", NULL } },
	{ "CLUSTER",
	  { "ADDSLOTS", "ADDSLOTSRANGE", "BUMPEPOCH", "DELSLOTS", "DELSLOTSRANGE", "FAILOVER",
	    "FLUSHSLOTS", "FORGET", "MEET", "REPLICATE", "RESET", "SAVECONFIG", "SETSLOT", NULL } },
	{ "ACL", { "SETUSER", "DELUSER", "LOAD", "SAVE", NULL } },
	{ "MODULE", { "LOAD", "LOADEX", "UNLOAD", NULL } },
	{ "MEMORY", { "PURGE", NULL } },
	{ "SLOWLOG", { "RESET", NULL } },
	{ "LATENCY", { "RESET", NULL } },
};

void safety_redis(struct safety_ctx *cx, char **w, size_t n, const char *host)
{
	char why[96];
	size_t i;

	if (n == 0)
		return;
	if (strcasecmp(w[0], "FLUSHALL") == 0 || strcasecmp(w[0], "FLUSHDB") == 0) {
		snprintf(why, sizeof(why), "redis %s",
			 strcasecmp(w[0], "FLUSHALL") == 0 ? "FLUSHALL" : "FLUSHDB");
		safety_mark(cx, 1, why, cx->pod != NULL ? cx->pod : host);
		return;
	}
	if (strcasecmp(w[0], "DEL") == 0 || strcasecmp(w[0], "UNLINK") == 0) {
		snprintf(why, sizeof(why), "redis %s",
			 strcasecmp(w[0], "DEL") == 0 ? "DEL" : "UNLINK");
		safety_mark(cx, 1, why, n > 1 ? w[1] : cx->pattern);
		return;
	}
	if (safety_in_case(w[0], safety_redis_changing)) {
		char up[32];

		snprintf(up, sizeof(up), "%s", w[0]);
		for (i = 0; up[i] != '\0'; i++)
			up[i] = (char)toupper((unsigned char)up[i]);
		snprintf(why, sizeof(why), "redis %s", up);
		safety_mark(cx, 0, why, NULL);
		return;
	}
	for (i = 0; i < sizeof(safety_redis_subs) / sizeof(safety_redis_subs[0]); i++) {
		if (strcasecmp(w[0], safety_redis_subs[i].cmd) == 0 && n > 1 &&
		    safety_in_case(w[1], (const char *const *)safety_redis_subs[i].subs)) {
			snprintf(why, sizeof(why), "redis %s %s", safety_redis_subs[i].cmd, w[1]);
			safety_mark(cx, 0, why, NULL);
			return;
		}
	}
}

/* The redis-cli options that take a value, for every reader of a
 * redis-cli command line (here and lint.c): one list, so the two never
 * disagree on where the options end and the redis command starts. */
static const char *const safety_redis_cli_valued[] = {
	"-h",
	"-p",
	"-s",
	"-a",
	"-u",
	"-n",
	"-r",
	"-i",
	"-d",
	"-D",
	"--user",
	"--pass",
	"--pattern",
	"--count",
	"--cacert",
	"--cacertdir",
	"--cert",
	"--key",
	"--sni",
	"--tls-ciphers",
	"--tls-ciphersuites",
	"--rdb",
	"--functions-rdb",
	"--pipe-timeout",
	"--quoted-pattern",
	"--memkeys-samples",
	"--intrinsic-latency",
	"--eval",
	NULL,
};

int safety_redis_cli_takes_value(const char *opt)
{
	return safety_in(opt, safety_redis_cli_valued);
}

void safety_redis_cli(struct safety_ctx *cx, char **w, size_t n, int stdin_fed)
{
	static const char *const modes[] = {
		"--scan",
		"--bigkeys",
		"--memkeys",
		"--hotkeys",
		"--stat",
		"--latency",
		"--latency-history",
		"--latency-dist",
		"--lru-test",
		"--pipe",
		"--rdb",
		"--functions-rdb",
		"--replica",
		"--slave",
		"--intrinsic-latency",
		"--eval",
		"--cluster",
		NULL,
	};
	static const char *const cluster_changing[] = {
		"create", "fix",         "reshard", "rebalance", "add-node", "del-node",
		"import", "set-timeout", "call",    "backup",    NULL,
	};
	const char *host = NULL;
	int mode = 0;
	size_t i = 0;

	while (i < n) {
		const char *a = w[i];

		if (a[0] != '-' || a[1] == '\0')
			break;
		if (safety_in(a, modes))
			mode = 1;
		if (strcmp(a, "--cluster") == 0) {
			if (i + 1 < n && safety_in(w[i + 1], cluster_changing)) {
				char why[96];

				snprintf(why, sizeof(why), "redis-cli --cluster %s", w[i + 1]);
				safety_mark(cx, 0, why, NULL);
			}
			return;
		}
		if (strcmp(a, "--eval") == 0)
			safety_mark(cx, 0, "redis EVAL", NULL);
		if (safety_redis_cli_takes_value(a) && i + 1 < n) {
			if (strcmp(a, "-h") == 0)
				host = w[i + 1];
			if (strcmp(a, "--pattern") == 0) {
				free(cx->pattern);
				cx->pattern = xstrdup(w[i + 1]);
			}
			i += 2;
			continue;
		}
		i++;
	}
	if (i < n)
		safety_redis(cx, w + i, n - i, host);
	else if (!mode && !stdin_fed)
		cx->v->interactive = 1;
}
