/** Limits on an HTTP teacher's answer: the defaults and the bounds Settings accepts (engine and renderer). */
export const TEACHER_HTTP_LIMITS = {
  timeoutSec: { default: 120, min: 5, max: 3600 },
  maxResponseMb: { default: 4, min: 1, max: 64 }
} as const
