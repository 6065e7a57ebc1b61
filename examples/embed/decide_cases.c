/* A shop backend in C: the same through the C API. Usage: decide_cases_c POLICY CASE.json... */
#include <aftersales/aftersales.h>

#include <stdio.h>
#include <stdlib.h>

static char* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  *size = (size_t)n;
  return buf;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: decide_cases_c POLICY CASE.json...\n");
    return 2;
  }
  aftersales_policy_t* policy = NULL;
  char* error = NULL;
  if (aftersales_policy_load(argv[1], &policy, &error) != AFTERSALES_OK) {
    fprintf(stderr, "%s", error ? error : "cannot load the policy\n");
    aftersales_free(error);
    return 2;
  }
  printf("aftersales %s, policy %s\n", aftersales_version(), aftersales_policy_digest(policy));
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    size_t size = 0;
    char* json = read_file(argv[i], &size);
    if (!json) {
      fprintf(stderr, "%s: cannot read\n", argv[i]);
      status = 2;
      continue;
    }
    char* decision = NULL;
    aftersales_status s = aftersales_decide_json(policy, json, size, AFTERSALES_TEXT, &decision, &error);
    if (s == AFTERSALES_OK) {
      printf("%s\n\n", decision);
    } else {
      fprintf(stderr, "%s: %s\n", argv[i], error ? error : "failed");
      status = (int)s;
    }
    aftersales_free(decision);
    aftersales_free(error);
    error = NULL;
    free(json);
  }
  aftersales_policy_free(policy);
  return status;
}
