/* api/ecosystem/registry */
#include "api/ecosystem/registry.h"
