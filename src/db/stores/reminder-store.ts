// Who reminders go to, and which were sent. A reminder is recorded (person,
// module, due date, kind) before its message is queued; the primary key lets
// one insert through, so two runs (or two processes) never send it twice.

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface ReminderRecipient {
  readonly userId: string;
  readonly email: string;
  readonly displayName: string;
  readonly language: string;
  readonly staffId: string;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly assignmentStartDate: string;
  readonly assignmentNumber: string;
  readonly lineManagerAssignmentNumber: string | null;
}

export class ReminderStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): ReminderStore {
    return new ReminderStore(db);
  }

  private people() {
    return this.db.selectFrom('users').innerJoin('staff', 'staff.id', 'users.staff_id')
      .select([
        'users.id as userId', 'users.email as email', 'users.display_name as displayName', 'users.language as language',
        'staff.id as staffId', 'staff.organisation_code as organisationCode', 'staff.staff_group_code as staffGroupCode',
        'staff.assignment_start_date as assignmentStartDate', 'staff.assignment_number as assignmentNumber',
        'staff.line_manager_assignment_number as lineManagerAssignmentNumber',
      ])
      .where('users.active', '=', true).where('staff.active', '=', true);
  }

  /** Active accounts linked to active staff of these organisations. */
  async recipients(organisationCodes: readonly string[]): Promise<ReminderRecipient[]> {
    if (organisationCodes.length === 0) return [];
    return this.people().where('staff.organisation_code', 'in', [...organisationCodes]).orderBy('users.id').execute();
  }

  /** The accounts of the staff holding these assignment numbers (line managers). */
  async byAssignment(assignmentNumbers: readonly string[]): Promise<ReminderRecipient[]> {
    const out: ReminderRecipient[] = [];
    for (let i = 0; i < assignmentNumbers.length; i += 500) {
      out.push(...await this.people().where('staff.assignment_number', 'in', assignmentNumbers.slice(i, i + 500)).execute());
    }
    return out;
  }

  /** Record a reminder as sent; false when it was already. */
  async take(userId: string, moduleId: string, dueDate: string, kind: string): Promise<boolean> {
    const result = await this.db.insertInto('sent_reminders').values({ user_id: userId, module_id: moduleId, due_date: dueDate, kind, message_id: null, sent_at: new Date() })
      .onConflict((oc) => oc.columns(['user_id', 'module_id', 'due_date', 'kind']).doNothing()).executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async setMessage(userId: string, moduleId: string, dueDate: string, kind: string, messageId: string): Promise<void> {
    await this.db.updateTable('sent_reminders').set({ message_id: messageId })
      .where('user_id', '=', userId).where('module_id', '=', moduleId).where('due_date', '=', dueDate).where('kind', '=', kind).execute();
  }
}
