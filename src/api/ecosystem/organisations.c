/* api/ecosystem/organisations */
#include "api/ecosystem/organisations.h"
