// Español: E's: flag corrections, multiple-sale deadlines and filings (part of es-firearms.ts, under firearms.compliance). Same keys as en-compliance.ts.
import type { enCompliance } from './en-compliance.ts';

export const esCompliance: typeof enCompliance = {
  nsnNotPmf:
    'Sin número de serie (NSN) y sin marcar como fabricación privada: un arma de fabricación privada debe marcarse en 7 días. Marque «Fabricación privada» si lo es; si no, pasa a la lista de revisión.',
  flags: {
    partEntry: 'Datos del asiento',
    partFlags: 'Corregir indicadores',
    hint: 'Los indicadores que leen todas las reglas: fabricación privada (marcada en 7 días desde la recepción, nunca se dispone de ella sin marcar) y semiautomática con cargador desmontable (formulario 3310.12). El asiento original queda como está; la corrección se registra con su nombre, la hora y el motivo.',
    privatelyMade: 'Arma de fabricación privada (PMF)',
    semiAutoDetachable: 'Semiautomática, admite cargador desmontable',
    submit: 'Registrar la corrección de indicadores',
    unchanged: 'Cambie primero un indicador.',
    confirmNotPmf:
      'Sin número de serie: registrarla como no fabricada privadamente la quita de la lista de revisión (indique el motivo).',
    history: 'Correcciones de indicadores registradas',
    yes: 'Sí',
    no: 'No',
    unchangedValue: 'sin cambio',
    line: '{{when}} · {{who}} · PMF: {{pmf}} · semiautomática con cargador desmontable: {{semi}} · {{reason}}',
    reportDue:
      'Esto completa una venta múltiple: presente ya el formulario {{form}} (vea Informes).',
  },
  review: {
    title: 'Por revisar: armas sin número de serie',
    intro:
      'Registradas como NSN y sin marcar como fabricación privada. Un arma sin número de serie suele ser de fabricación privada, que debe marcarse en 7 días desde la recepción. Corríjala a PMF (y márquela) o registre que no lo es.',
    empty: 'Nada por revisar.',
    receivedOn: 'Recibida',
    isPmf: 'Es de fabricación privada',
    notPmf: 'No es de fabricación privada',
  },
  reports: {
    includeSettled: 'Mostrar informes presentados y archivados',
    status: {
      to_file: 'Por presentar',
      overdue: 'Vencido',
      filed: 'Presentado',
      keep_on_file: 'Ya no es una venta múltiple: conservar archivado',
    },
    due: 'Vence al cierre del {{date}}',
    wasDue: 'Venció al cierre del {{date}}',
    foundLater: 'Detectado el {{date}} por una corrección',
    voided: 'Esta venta se anuló',
    noLongerMultiple: 'Ya no es una venta múltiple: conservar archivado con sus presentaciones',
    recipients: {
      atf: 'la ATF',
      law_enforcement: 'la policía estatal o local',
    },
    recipientNames: {
      atf: 'La ATF',
      law_enforcement: 'Policía estatal o fuerzas del orden locales',
    },
    recordFiling: 'Presentado ante {{to}}',
    filedWith: '{{to}} ({{agency}}): presentado el {{date}} por {{who}}',
    filedAt: '{{to}}: presentado el {{date}} por {{who}}',
    agency: 'Organismo que lo recibió',
    agencyHint: 'La policía estatal, o la policía local o el sheriff',
    filingTitle: 'Registrar la presentación ante {{to}}',
  },
  deadline: {
    late_entry:
      'La entrada {{entry}} ({{maker}} {{model}}, número de serie {{serial}}) se anotó en el libro después de su plazo, el cierre del {{dueOn}}.',
    pending_disposition:
      'Entrada {{entry}} ({{maker}} {{model}}, número de serie {{serial}}): la disposición {{disposition}} sigue pendiente pasado el {{dueOn}}. Si el arma salió de la tienda, confírmela ahora; si no, cancélela.',
    unmarked_pmf:
      'La entrada {{entry}} ({{maker}} {{model}}, número de serie {{serial}}) es un arma de fabricación privada aún sin marcar: debía llevar la marca de la tienda a más tardar el {{dueOn}}, y no puede disponerse de ella hasta que la lleve.',
    late_disposition:
      'La disposición {{disposition}} ({{maker}} {{model}}, número de serie {{serial}}, entrada {{entry}}) se anotó en el libro después de su plazo, el {{dueOn}}.',
    multiple_sale_overdue:
      'El formulario {{form}} de la disposición {{disposition}} ({{maker}} {{model}}, número de serie {{serial}}) vencía al cierre del {{dueOn}} y no está presentado ante todos sus destinatarios: preséntelo ahora y registre la presentación.',
  },
  alertKinds: {
    late_entry: 'Asiento tardío',
    pending_disposition: 'Pendiente demasiado tiempo',
    unmarked_pmf: 'PMF sin marcar',
    late_disposition: 'Disposición registrada tarde',
    multiple_sale_overdue: 'Informe de venta múltiple vencido',
  },
  dashboard: {
    title: 'Cumplimiento de armas de fuego',
    overdue_one: '{{count}} elemento vencido',
    overdue_other: '{{count}} elementos vencidos',
    dueToday_one: '{{count}} informe de venta múltiple vence hoy al cierre',
    dueToday_other: '{{count}} informes de venta múltiple vencen hoy al cierre',
    since: 'Plazo más antiguo: {{date}}',
    open: 'Abrir Informes',
  },
};
