/** The analysed Service a cursor is in (shared by completion, hover and symbols): see `pick-service.ts`. */
export { serviceAt } from './pick-service';
