/* api/ecosystem/networks */
#include "api/ecosystem/networks.h"
