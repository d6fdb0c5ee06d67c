/* booking */
#include "domain/ecosystem/booking.h"
