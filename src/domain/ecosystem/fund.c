/* fund */
#include "domain/ecosystem/fund.h"
