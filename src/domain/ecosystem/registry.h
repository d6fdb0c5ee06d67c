/* registry: sectors, and indicators computed from the registry. */
#ifndef NQ57_REGISTRY_H
#define NQ57_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/people/authz.h"

#endif
